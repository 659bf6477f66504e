use super::*;
use polars::prelude::*;

fn table(df: DataFrame) -> RowTable {
    RowTable::from_frame(&df).unwrap()
}

fn kind(out: &ChartOutput) -> &str {
    out.spec["type"].as_str().unwrap()
}

#[test]
fn kpi_for_a_single_value() {
    let out = build(&table(df!("total" => [42.5]).unwrap()), None, None).unwrap();
    assert_eq!(kind(&out), "kpi");
    assert!(out.option.is_none());
    assert_eq!(out.spec["value"], json!(42.5));
}

#[test]
fn bars_sorted_by_value_and_horizontal_when_many() {
    let out = build(&table(df!("region" => ["a", "b", "c"], "sales" => [1.0, 3.0, 2.0]).unwrap()), Some("Sales by region"), None).unwrap();
    assert_eq!(kind(&out), "bar");
    let o = out.option.unwrap();
    assert_eq!(o["series"][0]["type"], "bar");
    assert_eq!(o["xAxis"]["type"], "category");
    assert_eq!(o["title"]["text"], "Sales by region");
    assert_eq!(o["dataset"]["source"][1], json!(["b", 3.0]));
    let names: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    let vals: Vec<f64> = (0..20).map(f64::from).collect();
    let out = build(&table(df!("k" => names, "v" => vals).unwrap()), None, None).unwrap();
    assert_eq!(out.spec["orientation"], "horizontal");
    assert_eq!(out.option.unwrap()["yAxis"]["type"], "category");
}

#[test]
fn line_for_time_and_scatter_for_two_measures() {
    let d = df!("day" => ["2021-01-02", "2021-01-01"], "v" => [1, 2]).unwrap();
    let d = d.lazy().with_column(col("day").str().to_date(StrptimeOptions::default())).collect().unwrap();
    let out = build(&table(d), None, None).unwrap();
    assert_eq!(kind(&out), "line");
    let o = out.option.unwrap();
    assert_eq!(o["xAxis"]["type"], "time");
    assert_eq!(o["dataset"]["source"][1][0], "2021-01-01");
    let out = build(&table(df!("a" => [1.0, 2.0], "b" => [3.0, 4.0]).unwrap()), None, None).unwrap();
    assert_eq!(kind(&out), "scatter");
    let out = build(&table(df!("a" => ["x", "y"], "b" => ["z", "w"]).unwrap()), None, None).unwrap();
    assert_eq!(kind(&out), "table");
    assert!(out.option.is_none());
}
