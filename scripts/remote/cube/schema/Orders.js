// The cube of the remote tests: ClickHouse's default.sales, with the measures the Cube
// emulator in servers.py declares (same names, same numbers).
cube(`orders`, {
  sql: `SELECT * FROM default.sales`,
  measures: {
    count: { type: `count` },
    qty_sum: { sql: `qty`, type: `sum` },
    amount_sum: { sql: `amount`, type: `sum` },
    amount_avg: { sql: `amount`, type: `avg` },
  },
  dimensions: {
    id: { sql: `id`, type: `number`, primaryKey: true },
    region: { sql: `region`, type: `string` },
    product: { sql: `product`, type: `string` },
    day: { sql: `day`, type: `time` },
    qty: { sql: `qty`, type: `number` },
    amount: { sql: `amount`, type: `number` },
  },
});
