//! Chart, insights and narration on arbitrary small tables: mixed types, nulls, NaN, ±inf,
//! empty strings, huge and tiny numbers, one row, all-equal values.
#![no_main]
use insightflow::table::RowTable;
use insightflow::{chart, insight};
use libfuzzer_sys::fuzz_target;
use polars::prelude::*;

const SPECIAL: [f64; 8] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 1e308, 5e-324, -1e308];

fn column(kind: u8, name: String, bytes: &[u8], rows: usize) -> Column {
    let at = |i: usize| bytes.get(i % bytes.len().max(1)).copied().unwrap_or(0);
    match kind % 5 {
        0 => Column::new(name.into(), (0..rows).map(|i| (at(i) % 7 != 0).then(|| SPECIAL[usize::from(at(i)) % 8] * f64::from(at(i + 1)))).collect::<Vec<Option<f64>>>()),
        1 => Column::new(name.into(), (0..rows).map(|i| (at(i) % 5 != 0).then(|| i64::from(at(i)) * i64::from(at(i + 3)) - 100)).collect::<Vec<Option<i64>>>()),
        2 => Column::new(name.into(), (0..rows).map(|i| (at(i) % 6 != 0).then(|| ["", "a", "b", "a very long category label", "é"][usize::from(at(i)) % 5].to_string())).collect::<Vec<Option<String>>>()),
        3 => Column::new(name.into(), (0..rows).map(|i| (at(i) % 4 != 0).then(|| i32::from(at(i)) * 40)).collect::<Vec<Option<i32>>>())
            .cast(&DataType::Date)
            .unwrap_or_else(|_| Column::new_empty("d".into(), &DataType::Date)),
        _ => Column::new(name.into(), (0..rows).map(|i| at(i) % 2 == 0).collect::<Vec<bool>>()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else { return };
    let ncols = usize::from(shape % 4) + 1;
    let rows = usize::from(shape / 4) % 40;
    let cols: Vec<Column> = (0..ncols).map(|c| column(rest.get(c).copied().unwrap_or(0), format!("c{c}"), rest, rows)).collect();
    let Ok(df) = DataFrame::new(cols) else { return };
    let Ok(table) = RowTable::from_frame(&df) else { return };
    let _ = chart::build(&table, Some("fuzz"), None);
    if let Ok(ins) = insight::find(&table, None) {
        let _ = insight::narrate(&table, &ins, None);
    }
});
