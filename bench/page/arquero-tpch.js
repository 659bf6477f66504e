// Hand-written Arquero verb pipelines for TPC-H Q1, Q3, Q5, Q6 and Q10 (Arquero has no SQL).
// Same parameters and output columns as bench/tpch-queries.mjs. Tables come from the Arrow
// files bench/make-data.py writes (decimals as float64, dates as epoch-ms numbers). Each
// function takes (aq, tables) and returns {table, dates}: the result and which of its columns
// are dates (turned into ISO strings when the answer is compared).
// Functions passed to verbs are parsed by Arquero, so they may only use `d`, `$` and `op`.

const day = (s) => Date.parse(`${s}T00:00:00Z`);

export const arqueroTpch = {
  1(aq, { lineitem }) {
    const table = lineitem
      .params({ cut: day('1998-09-02') })
      .filter((d, $) => d.l_shipdate <= $.cut)
      .groupby('l_returnflag', 'l_linestatus')
      .rollup({
        sum_qty: (d) => op.sum(d.l_quantity),
        sum_base_price: (d) => op.sum(d.l_extendedprice),
        sum_disc_price: (d) => op.sum(d.l_extendedprice * (1 - d.l_discount)),
        sum_charge: (d) => op.sum(d.l_extendedprice * (1 - d.l_discount) * (1 + d.l_tax)),
        avg_qty: (d) => op.mean(d.l_quantity),
        avg_price: (d) => op.mean(d.l_extendedprice),
        avg_disc: (d) => op.mean(d.l_discount),
        count_order: () => op.count(),
      })
      .orderby('l_returnflag', 'l_linestatus');
    return { table, dates: [] };
  },

  3(aq, { customer, orders, lineitem }) {
    const p = { dt: day('1995-03-15') };
    const c = customer.filter((d) => d.c_mktsegment === 'BUILDING').select('c_custkey');
    const o = orders.params(p).filter((d, $) => d.o_orderdate < $.dt)
      .select('o_orderkey', 'o_custkey', 'o_orderdate', 'o_shippriority');
    const l = lineitem.params(p).filter((d, $) => d.l_shipdate > $.dt)
      .select('l_orderkey', 'l_extendedprice', 'l_discount');
    const table = o.semijoin(c, ['o_custkey', 'c_custkey'])
      .join(l, ['o_orderkey', 'l_orderkey'])
      .groupby('l_orderkey', 'o_orderdate', 'o_shippriority')
      .rollup({ revenue: (d) => op.sum(d.l_extendedprice * (1 - d.l_discount)) })
      .orderby(aq.desc('revenue'), 'o_orderdate')
      .slice(0, 10)
      .select('l_orderkey', 'revenue', 'o_orderdate', 'o_shippriority');
    return { table, dates: ['o_orderdate'] };
  },

  5(aq, { customer, orders, lineitem, supplier, nation, region }) {
    const p = { lo: day('1994-01-01'), hi: day('1995-01-01') };
    const n = nation.join(region.filter((d) => d.r_name === 'ASIA'), ['n_regionkey', 'r_regionkey'])
      .select('n_nationkey', 'n_name');
    const s = supplier.join(n, ['s_nationkey', 'n_nationkey']).select('s_suppkey', 's_nationkey', 'n_name');
    const o = orders.params(p).filter((d, $) => d.o_orderdate >= $.lo && d.o_orderdate < $.hi)
      .select('o_orderkey', 'o_custkey');
    const table = lineitem.select('l_orderkey', 'l_suppkey', 'l_extendedprice', 'l_discount')
      .join(s, ['l_suppkey', 's_suppkey'])
      .join(o, ['l_orderkey', 'o_orderkey'])
      .join(customer.select('c_custkey', 'c_nationkey'), [['o_custkey', 's_nationkey'], ['c_custkey', 'c_nationkey']])
      .groupby('n_name')
      .rollup({ revenue: (d) => op.sum(d.l_extendedprice * (1 - d.l_discount)) })
      .orderby(aq.desc('revenue'));
    return { table, dates: [] };
  },

  6(aq, { lineitem }) {
    const table = lineitem
      .params({ lo: day('1994-01-01'), hi: day('1995-01-01') })
      .filter((d, $) => d.l_shipdate >= $.lo && d.l_shipdate < $.hi
        && d.l_discount >= 0.05 && d.l_discount <= 0.07 && d.l_quantity < 24)
      .rollup({ revenue: (d) => op.sum(d.l_extendedprice * d.l_discount) });
    return { table, dates: [] };
  },

  10(aq, { customer, orders, lineitem, nation }) {
    const p = { lo: day('1993-10-01'), hi: day('1994-01-01') };
    const o = orders.params(p).filter((d, $) => d.o_orderdate >= $.lo && d.o_orderdate < $.hi)
      .select('o_orderkey', 'o_custkey');
    const table = lineitem.filter((d) => d.l_returnflag === 'R')
      .select('l_orderkey', 'l_extendedprice', 'l_discount')
      .join(o, ['l_orderkey', 'o_orderkey'])
      .join(customer, ['o_custkey', 'c_custkey'])
      .join(nation.select('n_nationkey', 'n_name'), ['c_nationkey', 'n_nationkey'])
      .groupby('c_custkey', 'c_name', 'c_acctbal', 'c_phone', 'n_name', 'c_address', 'c_comment')
      .rollup({ revenue: (d) => op.sum(d.l_extendedprice * (1 - d.l_discount)) })
      .orderby(aq.desc('revenue'))
      .slice(0, 20)
      .select('c_custkey', 'c_name', 'revenue', 'c_acctbal', 'n_name', 'c_address', 'c_phone', 'c_comment');
    return { table, dates: [] };
  },
};
