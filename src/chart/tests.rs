//! One test per chart rule (see the module doc), the option's parts, reductions and the
//! never-panic cases. Every option built here is also written to
//! `$CARGO_TARGET_DIR/insightflow-charts/unit/` (or the temp dir) for the Node rendering test
//! (tests/node/charts.test.mjs), which draws each one with the real echarts package.

use super::*;
use polars::prelude::*;

fn table(df: DataFrame) -> RowTable {
    RowTable::from_frame(&df).unwrap()
}

fn dated(df: DataFrame, col_name: &str) -> DataFrame {
    df.lazy().with_column(col(col_name).str().to_date(StrptimeOptions::default())).collect().unwrap()
}

fn intent(v: Value) -> Intent {
    serde_json::from_value(v).unwrap()
}

/// Where the options built by tests go for the Node rendering check.
pub(crate) fn dump_dir(kind: &str) -> std::path::PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    base.join("insightflow-charts").join(kind)
}

fn build_named(name: &str, t: &RowTable, title: Option<&str>, intent: Option<&Intent>) -> ChartOutput {
    let out = build(t, title, intent).unwrap();
    let dir = dump_dir("unit");
    let file = dir.join(format!("{name}.json"));
    match &out.option {
        Some(option) => {
            let _ = std::fs::create_dir_all(&dir);
            let doc = json!({"name": name, "spec": out.spec, "option": option});
            let _ = std::fs::write(file, serde_json::to_vec(&doc).unwrap());
        }
        None => {
            let _ = std::fs::remove_file(file);
        }
    }
    out
}

fn kind(out: &ChartOutput) -> &str {
    out.spec["type"].as_str().unwrap()
}

fn opt(out: &ChartOutput) -> &Value {
    out.option.as_ref().expect("an option")
}

fn source(out: &ChartOutput) -> &Vec<Value> {
    let d = &opt(out)["dataset"];
    // scatters carry one dataset per colour: the first one
    let d = if d.is_array() { &d[0] } else { d };
    d["source"].as_array().unwrap()
}

#[test]
fn rule1_kpi_for_a_single_row() {
    let out = build_named("kpi", &table(df!("total" => [42.5]).unwrap()), None, None);
    assert_eq!(kind(&out), "kpi");
    assert!(out.option.is_none());
    assert_eq!(out.spec["value"], json!(42.5));
    assert_eq!(out.spec["values"][0]["text"], "42.5");
    let out = build_named("kpi2", &table(df!("region" => ["N"], "sales_usd" => [1_200_000.0], "n" => [3]).unwrap()), None, None);
    assert_eq!(kind(&out), "kpi");
    assert_eq!(out.spec["values"][0]["text"], "$1.2M");
    assert_eq!(out.spec["values"][1]["value"], 3);
    assert_eq!(out.spec["labels"][0]["value"], "N");
}

#[test]
fn rule2_no_measure_is_a_table_with_a_reason() {
    let out = build_named("table", &table(df!("a" => ["x", "y"], "b" => ["z", "w"]).unwrap()), None, None);
    assert_eq!(kind(&out), "table");
    assert!(out.option.is_none());
    assert!(out.spec["reason"].as_str().unwrap().contains("no numeric column"));
    let out = build_named("table3", &table(df!("a" => ["x", "y"], "b" => ["z", "w"], "c" => ["p", "q"], "v" => [1, 2]).unwrap()), None, None);
    assert_eq!(kind(&out), "table");
    assert!(out.spec["reason"].as_str().unwrap().contains("at most two"), "{}", out.spec);
}

#[test]
fn rule3_time_and_measure_is_a_line_on_a_time_axis() {
    let d = dated(df!("day" => ["2021-01-03", "2021-01-01", "2021-01-02"], "v" => [3, 1, 2]).unwrap(), "day");
    let out = build_named("line", &table(d), Some("Daily v"), None);
    assert_eq!(kind(&out), "line");
    let o = opt(&out);
    assert_eq!(o["xAxis"]["type"], "time");
    assert_eq!(o["yAxis"]["type"], "value");
    assert_eq!(o["tooltip"]["trigger"], "axis");
    assert_eq!(o["title"]["text"], "Daily v");
    assert_eq!(o["series"][0]["encode"], json!({"x": "day", "y": "v"}));
    // sorted by time
    assert_eq!(source(&out)[1], json!(["2021-01-01", 1]));
    assert_eq!(source(&out)[3], json!(["2021-01-03", 3]));
    assert!(o.get("legend").is_none(), "one series, no legend");
    assert!(o.get("dataZoom").is_none());
    assert_eq!(out.spec["x"]["type"], "temporal");
    // several measures: several lines and a legend
    let d = dated(df!("day" => ["2021-01-01", "2021-01-02"], "temp_max" => [5.0, 6.0], "temp_min" => [-1.0, 0.5]).unwrap(), "day");
    let out = build_named("line_two", &table(d), None, None);
    assert_eq!(opt(&out)["series"].as_array().unwrap().len(), 2);
    assert!(opt(&out)["legend"].is_object());
    assert_eq!(opt(&out)["title"]["text"], "Temp max over day");
    // integer years are time
    let out = build_named("line_years", &table(df!("year" => [2001, 2000, 2002], "deaths" => [5, 9, 4]).unwrap()), None, None);
    assert_eq!(kind(&out), "line");
    assert_eq!(source(&out)[1], json!(["2000", 9]));
}

#[test]
fn rule3a_a_top_n_of_periods_is_a_ranking_bar() {
    // "top 3 months by total precipitation": rows sorted by the value, limited
    let d = dated(df!("date_month" => ["2015-12-01", "2014-03-01", "2015-11-01"], "sum_precipitation" => [284.5, 240.0, 212.6]).unwrap(), "date_month");
    let i = intent(json!({
        "measures": [{"field": "precipitation", "aggregate": "sum", "as": "sum_precipitation"}],
        "dimensions": [{"field": "date", "timeUnit": "month"}],
        "filters": [], "sort": {"field": "sum_precipitation", "descending": true}, "limit": 3
    }));
    let out = build_named("bar_ranked_months", &table(d.clone()), Some("top 3 months by total precipitation"), Some(&i));
    assert_eq!(kind(&out), "bar");
    assert_eq!(out.spec["sort"], "as-returned");
    assert_eq!(opt(&out)["xAxis"]["type"], "category");
    assert_eq!(source(&out)[1], json!(["Dec 2015", 284.5]));
    assert_eq!(source(&out)[3], json!(["Nov 2015", 212.6]));
    // the same rows sorted by time (no limit) are a series: a line
    let i = intent(json!({
        "measures": [{"field": "precipitation", "aggregate": "sum", "as": "sum_precipitation"}],
        "dimensions": [{"field": "date", "timeUnit": "month"}], "filters": []
    }));
    assert_eq!(kind(&build_named("line_months", &table(d.clone()), None, Some(&i))), "line");
    // an explicit request still wins
    let i = intent(json!({
        "measures": [{"field": "precipitation", "aggregate": "sum", "as": "sum_precipitation"}],
        "dimensions": [{"field": "date", "timeUnit": "month"}],
        "filters": [], "sort": {"field": "sum_precipitation", "descending": true}, "limit": 3, "chart": "line"
    }));
    assert_eq!(kind(&build_named("line_ranked_asked", &table(d), None, Some(&i))), "line");
}

#[test]
fn measures_of_different_units_or_sizes_get_their_own_axes() {
    // same unit, similar size: one axis
    let d = dated(df!("day" => ["2021-01-01", "2021-01-02", "2021-01-03"], "temp_max" => [5.0, 6.0, 9.0], "temp_min" => [-1.0, 0.5, 2.0]).unwrap(), "day");
    let out = build_named("line_one_axis", &table(d), None, None);
    assert!(opt(&out)["yAxis"].is_object());
    // money and a count: a second axis on the right
    let d = dated(df!("day" => ["2021-01-01", "2021-01-02", "2021-01-03"], "revenue_usd" => [120_000.0, 150_000.0, 90_000.0], "orders" => [12, 15, 9]).unwrap(), "day");
    let out = build_named("line_two_axes", &table(d), None, None);
    let o = opt(&out);
    let axes = o["yAxis"].as_array().expect("two value axes");
    assert_eq!(axes.len(), 2);
    assert_eq!(axes[1]["position"], "right");
    assert_eq!(axes[0]["axisLabel"]["formatter"], "${value}");
    assert!(axes[1].get("axisLabel").is_none());
    assert_eq!(o["series"][0]["yAxisIndex"], 0);
    assert_eq!(o["series"][1]["yAxisIndex"], 1);
    assert_eq!(out.spec["measures"][1]["axis"], 1);
    assert!(out.transformations.iter().any(|t| t.rule == "second_value_axis"));
    // three groups (hundreds, thousands, percent): one panel each, the category axis shared
    let t = table(df!("origin" => ["USA", "Japan", "Europe"], "avg_hp" => [119.0, 79.8, 80.6], "avg_weight" => [3361.9, 2221.2, 2423.3], "share_pct" => [62.6, 19.5, 17.9]).unwrap());
    let out = build_named("bar_three_panels", &t, None, None);
    assert_eq!(kind(&out), "bar");
    let o = opt(&out);
    assert_eq!(o["grid"].as_array().map(Vec::len), Some(3));
    assert_eq!(o["yAxis"].as_array().map(Vec::len), Some(3));
    assert_eq!(o["xAxis"].as_array().map(Vec::len), Some(3));
    assert_eq!(o["xAxis"][0]["axisLabel"]["show"], false);
    assert_eq!(o["series"][2]["xAxisIndex"], 2);
    assert_eq!(o["series"][2]["yAxisIndex"], 2);
    assert_eq!(o["yAxis"][2]["axisLabel"]["formatter"], "{value}%");
}

#[test]
fn rule3_time_and_category_is_one_line_per_category() {
    let d = dated(
        df!("date" => ["2021-01-01", "2021-01-01", "2021-02-01", "2021-02-01"], "symbol" => ["A", "B", "A", "B"], "price" => [1.0, 10.0, 2.0, 12.0]).unwrap(),
        "date",
    );
    let out = build_named("line_by", &table(d), None, None);
    assert_eq!(kind(&out), "line");
    assert_eq!(out.spec["series"]["field"], "symbol");
    let o = opt(&out);
    assert_eq!(source(&out)[0], json!(["date", "A", "B"]));
    assert_eq!(source(&out)[2], json!(["2021-02-01", 2, 12]));
    assert_eq!(o["series"][1]["name"], "B");
    assert!(o["legend"].is_object());
    assert!(out.warnings.is_empty());
}

#[test]
fn rule4_cycles_are_bars_in_their_order() {
    let i = intent(json!({"measures": [{"field": "*", "aggregate": "count", "as": "n"}], "dimensions": [{"field": "dow", "timeUnit": "day_of_week"}], "filters": []}));
    let t = table(df!("dow" => [3, 1, 2, 7], "n" => [30, 10, 20, 70]).unwrap());
    let out = build_named("dow", &t, None, Some(&i));
    assert_eq!(kind(&out), "bar");
    assert_eq!(out.spec["orientation"], "vertical");
    assert_eq!(out.spec["x"]["timeUnit"], "day_of_week");
    let labels: Vec<&str> = source(&out).iter().skip(1).map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(labels, vec!["Mon", "Tue", "Wed", "Sun"]);
    // without an intent: the column name and values say "month", month names order by calendar
    let out = build_named("month_names", &table(df!("month" => ["Mar", "Jan", "Feb"], "rain" => [3.0, 1.0, 2.0]).unwrap()), None, None);
    assert_eq!(kind(&out), "bar");
    let labels: Vec<&str> = source(&out).iter().skip(1).map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(labels, vec!["Jan", "Feb", "Mar"]);
    let out = build_named("month_ints", &table(df!("month" => [12, 1, 2], "rain" => [3.0, 1.0, 2.0]).unwrap()), None, None);
    let labels: Vec<&str> = source(&out).iter().skip(1).map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(labels, vec!["Jan", "Feb", "Dec"]);
}

#[test]
fn rule5_histograms() {
    let t = table(df!("price_bin" => [20.0, 0.0, 10.0], "count" => [5, 2, 7]).unwrap());
    let out = build_named("hist_bins", &t, None, None);
    assert_eq!(kind(&out), "histogram");
    assert_eq!(source(&out)[1], json!(["0–10", 2]));
    assert_eq!(source(&out)[3], json!(["20–30", 5]));
    let vals: Vec<f64> = (0..200).map(|i| f64::from(i % 37)).collect();
    let out = build_named("hist_raw", &table(df!("x" => vals).unwrap()), None, None);
    assert_eq!(kind(&out), "histogram");
    let total: i64 = source(&out).iter().skip(1).map(|r| r[1].as_i64().unwrap()).sum();
    assert_eq!(total, 200, "every value counted once");
    assert_eq!(out.transformations[0].rule, "bin");
    assert_eq!(opt(&out)["yAxis"]["min"], 0);
}

#[test]
fn rule6_bars_sorted_zero_based_horizontal_when_many_or_long() {
    let out = build_named("bar", &table(df!("region" => ["a", "b", "c"], "sales" => [1.0, 3.0, 2.0]).unwrap()), Some("Sales by region"), None);
    assert_eq!(kind(&out), "bar");
    let o = opt(&out);
    assert_eq!(o["series"][0]["type"], "bar");
    assert_eq!(o["xAxis"]["type"], "category");
    assert_eq!(o["yAxis"]["min"], 0, "zero-based value axis");
    assert_eq!(o["tooltip"]["trigger"], "axis");
    assert_eq!(source(&out)[1], json!(["b", 3]));
    assert_eq!(out.spec["orientation"], "vertical");
    let names: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    let vals: Vec<f64> = (0..20).map(f64::from).collect();
    let out = build_named("bar_horizontal", &table(df!("k" => names, "v" => vals).unwrap()), None, None);
    assert_eq!(out.spec["orientation"], "horizontal");
    let o = opt(&out);
    assert_eq!(o["yAxis"]["type"], "category");
    assert_eq!(o["yAxis"]["inverse"], true, "largest at the top");
    assert_eq!(o["series"][0]["encode"], json!({"y": "k", "x": "v"}));
    let out = build_named("bar_long_labels", &table(df!("k" => ["a rather long label", "b"], "v" => [1, 2]).unwrap()), None, None);
    assert_eq!(out.spec["orientation"], "horizontal");
    // an order the question asked for is kept
    let i = intent(json!({"measures": [], "dimensions": [], "filters": [], "sort": {"field": "region", "descending": false}}));
    let out = build_named("bar_kept_order", &table(df!("region" => ["a", "b", "c"], "sales" => [1.0, 3.0, 2.0]).unwrap()), None, Some(&i));
    assert_eq!(source(&out)[1], json!(["a", 1]));
    // negative values: no forced minimum (ECharts still includes 0 on bar axes)
    let out = build_named("bar_negative", &table(df!("k" => ["a", "b"], "profit" => [-5.0, 3.0]).unwrap()), None, None);
    assert!(opt(&out)["yAxis"].get("min").is_none());
    assert!(opt(&out)["yAxis"].get("scale").is_none());
}

#[test]
fn rule6_more_than_30_categories_become_top_29_and_other() {
    let names: Vec<String> = (0..45).map(|i| format!("item{i:02}")).collect();
    let vals: Vec<i64> = (0..45).map(|i| 100 - i).collect();
    let total: i64 = vals.iter().sum();
    let out = build_named("bar_other", &table(df!("item" => names.clone(), "count" => vals.clone()).unwrap()), None, None);
    let src = source(&out);
    assert_eq!(src.len(), 31);
    assert_eq!(src[30][0], "Other (16 more)");
    let shown: i64 = src.iter().skip(1).map(|r| r[1].as_i64().unwrap()).sum();
    assert_eq!(shown, total, "Other keeps the total");
    assert_eq!(out.transformations[0].rule, "top_n_other");
    assert_eq!(out.warnings[0].code, "CHART_DATA_REDUCED");
    // an average cannot be summed: top 30, rest left out
    let avgs: Vec<f64> = vals.iter().map(|v| *v as f64 / 3.0).collect();
    let out = build_named("bar_top30", &table(df!("item" => names, "avg_score" => avgs).unwrap()), None, None);
    assert_eq!(source(&out).len(), 31);
    assert_eq!(out.transformations[0].rule, "top_n");
}

#[test]
fn rule6_pie_for_shares_of_a_whole() {
    let t = table(df!("weather" => ["sun", "rain", "fog"], "share" => [0.5, 0.3, 0.2]).unwrap());
    let out = build_named("pie", &t, None, None);
    assert_eq!(kind(&out), "pie");
    let o = opt(&out);
    assert_eq!(o["series"][0]["type"], "pie");
    assert_eq!(o["series"][0]["encode"], json!({"itemName": "weather", "value": "share"}));
    assert_eq!(o["tooltip"]["trigger"], "item");
    assert_eq!(source(&out)[1], json!(["sun", 50]), "fractions shown as percent");
    // a plain measure with few categories stays a bar
    let out = build_named("not_pie", &table(df!("weather" => ["sun", "rain"], "days" => [5, 3]).unwrap()), None, None);
    assert_eq!(kind(&out), "bar");
    // too many slices for a pie: bars
    let names: Vec<String> = (0..8).map(|i| format!("w{i}")).collect();
    let out = build_named("pie_too_many", &table(df!("w" => names, "pct" => [20.0, 20.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0]).unwrap()), None, None);
    assert_eq!(kind(&out), "bar");
    assert_eq!(opt(&out)["yAxis"]["axisLabel"]["formatter"], "{value}%");
    assert_eq!(opt(&out)["yAxis"]["name"], "pct (%)");
}

#[test]
fn rule7_category_and_two_measures() {
    let out = build_named("grouped_measures", &table(df!("region" => ["N", "S"], "sales" => [5.0, 3.0], "profit" => [1.0, 0.5]).unwrap()), None, None);
    assert_eq!(kind(&out), "bar");
    assert_eq!(opt(&out)["series"].as_array().unwrap().len(), 2);
    assert!(opt(&out)["legend"].is_object());
    let origin: Vec<&str> = (0..40).map(|i| ["USA", "Japan", "Europe"][i % 3]).collect();
    let hp: Vec<f64> = (0..40).map(|i| 60.0 + f64::from(i) * 3.0).collect();
    let mpg: Vec<f64> = (0..40).map(|i| 40.0 - f64::from(i) * 0.5).collect();
    let out = build_named("scatter_color", &table(df!("Origin" => origin, "Horsepower" => hp, "Miles_per_Gallon" => mpg).unwrap()), None, None);
    assert_eq!(kind(&out), "scatter");
    assert_eq!(out.spec["color"]["field"], "Origin");
    let o = opt(&out);
    assert_eq!(o["series"].as_array().unwrap().len(), 3);
    assert_eq!(o["series"][1]["datasetIndex"], 1);
    assert_eq!(o["tooltip"]["trigger"], "item");
    assert!(o["legend"].is_object());
    assert_eq!(o["xAxis"]["scale"], true, "scatter axes are not forced to zero");
}

#[test]
fn rule8_two_dimensions() {
    // stacked: counts add up; x = the dimension with more values
    let t = table(df!("weather" => ["sun", "sun", "rain", "rain", "fog", "fog"], "year" => ["a", "b", "a", "b", "a", "b"], "count" => [5, 6, 3, 2, 1, 1]).unwrap());
    let out = build_named("stacked", &t, None, None);
    assert_eq!(kind(&out), "bar");
    assert_eq!(out.spec["stack"], "stacked");
    assert_eq!(out.spec["x"]["field"], "weather");
    assert_eq!(opt(&out)["series"][0]["stack"], "total");
    assert_eq!(source(&out)[0], json!(["weather", "a", "b"]));
    // averages do not add up: grouped
    let t = table(df!("weather" => ["sun", "sun", "rain", "rain"], "site" => ["a", "b", "a", "b"], "avg_temp" => [5.0, 6.0, 3.0, 2.0]).unwrap());
    let out = build_named("grouped", &t, None, None);
    assert_eq!(out.spec["stack"], "grouped");
    assert!(opt(&out)["series"][0].get("stack").is_none());
    // both with more than 6 values: heatmap
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut v = Vec::new();
    for i in 0..8 {
        for j in 0..9 {
            a.push(format!("a{i}"));
            b.push(format!("b{j}"));
            v.push(i * j);
        }
    }
    let out = build_named("heatmap", &table(df!("a" => a, "b" => b, "v" => v).unwrap()), None, None);
    assert_eq!(kind(&out), "heatmap");
    let o = opt(&out);
    assert_eq!(o["series"][0]["type"], "heatmap");
    assert_eq!(o["visualMap"]["max"], 56);
    assert_eq!(o["xAxis"]["data"].as_array().unwrap().len(), 9);
}

#[test]
fn rule9_two_measures_scatter() {
    let out = build_named("scatter", &table(df!("a" => [1.0, 2.0, 3.0], "b" => [3.0, 4.0, 1.0]).unwrap()), None, None);
    assert_eq!(kind(&out), "scatter");
    assert_eq!(opt(&out)["series"][0]["encode"], json!({"x": "a", "y": "b"}));
    assert_eq!(opt(&out)["title"]["text"], "B vs a");
    // a leading integer key of distinct values is a dimension, not a measure
    let out = build_named("ordinal_key", &table(df!("cylinders" => [4, 6, 8], "mpg" => [30.0, 20.0, 15.0], "hp" => [90.0, 120.0, 180.0]).unwrap()), None, None);
    assert_eq!(kind(&out), "bar");
    assert_eq!(out.spec["x"]["field"], "cylinders");
}

#[test]
fn large_line_is_downsampled_with_lttb() {
    let n = 5_000;
    let days: Vec<String> = (0..n).map(|i| (chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(i)).to_string()).collect();
    let vals: Vec<f64> = (0..n).map(|i| ((i as f64) / 50.0).sin() * 10.0 + if i == 2_345 { 100.0 } else { 0.0 }).collect();
    let out = build_named("line_lttb", &table(dated(df!("day" => days, "v" => vals).unwrap(), "day")), None, None);
    let src = source(&out);
    assert_eq!(src.len(), LINE_MAX_POINTS + 1);
    assert!(src.iter().any(|r| r[1] == json!(100.0 + ((2_345.0f64) / 50.0).sin() * 10.0)), "the spike survives");
    assert_eq!(out.transformations[0].rule, "lttb");
    assert!(out.warnings[0].message.contains("5000 points"));
    assert!(opt(&out)["dataZoom"].is_array());
    assert_eq!(opt(&out)["series"][0]["showSymbol"], false);
}

#[test]
fn large_scatter_is_sampled() {
    let n = 12_000;
    let a: Vec<f64> = (0..n).map(|i| f64::from(i) * 0.5).collect();
    let b: Vec<f64> = (0..n).map(|i| f64::from((i * 7919) % 1000)).collect();
    let out = build_named("scatter_sampled", &table(df!("a" => a, "b" => b).unwrap()), None, None);
    let src = source(&out);
    assert_eq!(src.len(), SCATTER_MAX_POINTS + 1);
    assert!(src.iter().any(|r| r[0] == json!(0)) && src.iter().any(|r| r[0] == json!(5999.5)), "extremes kept");
    assert_eq!(out.transformations[0].rule, "sample");
    let again = build(&table(df!("a" => (0..n).map(|i| f64::from(i) * 0.5).collect::<Vec<_>>(), "b" => (0..n).map(|i| f64::from((i * 7919) % 1000)).collect::<Vec<_>>()).unwrap()), None, None).unwrap();
    assert_eq!(again.option, out.option, "deterministic");
}

#[test]
fn raw_rows_are_aggregated_per_x() {
    let t = table(df!("region" => ["N", "S", "N", "S", "W"], "amount" => [1.0, 2.0, 3.0, 4.0, 5.0]).unwrap());
    let out = build_named("bar_aggregated", &t, None, None);
    assert_eq!(source(&out)[1], json!(["S", 6]));
    assert_eq!(out.transformations[0].rule, "aggregate_duplicates");
}

#[test]
fn hints_are_followed_when_the_data_fits() {
    let d = || dated(df!("day" => ["2021-01-01", "2021-01-02", "2021-01-03"], "v" => [1, 2, 3]).unwrap(), "day");
    let bar = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "bar"}));
    let out = build_named("hint_bar", &table(d()), None, Some(&bar));
    assert_eq!(kind(&out), "bar");
    assert_eq!(out.spec["requested"], "bar");
    let area = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "area"}));
    let out = build_named("hint_area", &table(d()), None, Some(&area));
    assert_eq!(kind(&out), "area");
    assert!(opt(&out)["series"][0]["areaStyle"].is_object());
    let pie = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "pie"}));
    let out = build_named("hint_pie", &table(df!("k" => ["a", "b", "c"], "n" => [1, 2, 3]).unwrap()), None, Some(&pie));
    assert_eq!(kind(&out), "pie");
    // a pie of negative values cannot be drawn: automatic choice + warning
    let out = build_named("hint_pie_refused", &table(df!("k" => ["a", "b"], "n" => [-1, 2]).unwrap()), None, Some(&pie));
    assert_eq!(kind(&out), "bar");
    assert_eq!(out.warnings[0].code, "CHART_HINT_IGNORED");
    let line = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "line"}));
    let out = build_named("hint_line_refused", &table(df!("k" => ["a", "b"], "n" => [1, 2]).unwrap()), None, Some(&line));
    assert_eq!(kind(&out), "bar");
    assert!(out.warnings[0].message.contains("line chart needs a date"));
    let tbl = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "table"}));
    let out = build_named("hint_table", &table(d()), None, Some(&tbl));
    assert_eq!(kind(&out), "table");
    let scatter = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "scatter"}));
    let out = build_named("hint_scatter", &table(df!("k" => ["a", "b", "c"], "x" => [1, 2, 3], "y" => [3.0, 1.0, 2.0]).unwrap()), None, Some(&scatter));
    assert_eq!(kind(&out), "scatter");
    let hist = intent(json!({"measures": [], "dimensions": [], "filters": [], "chart": "histogram"}));
    let out = build_named("hint_histogram", &table(df!("x" => [1.0, 2.0, 2.5, 3.0, 7.0]).unwrap()), None, Some(&hist));
    assert_eq!(kind(&out), "histogram");
}

#[test]
fn formats_units_and_names() {
    let t = table(df!("Major_Genre" => ["Drama", "Comedy"], "Worldwide_Gross_USD" => [1.5e9, 2.5e9]).unwrap());
    let out = build_named("currency", &t, None, None);
    let o = opt(&out);
    assert_eq!(o["yAxis"]["axisLabel"]["formatter"], "${value}");
    assert_eq!(o["yAxis"]["name"], "Worldwide_Gross_USD ($)");
    assert_eq!(out.spec["y"]["format"], json!({"type": "currency", "symbol": "$"}));
    assert_eq!(o["title"]["text"], "Worldwide Gross USD by Major Genre");
}

#[test]
fn never_panics_on_awkward_tables() {
    let cases: Vec<DataFrame> = vec![
        df!("x" => Vec::<f64>::new()).unwrap(),
        df!("x" => [f64::NAN, f64::INFINITY, f64::NEG_INFINITY]).unwrap(),
        df!("k" => [Some("a"), None, Some("b")], "v" => [None, Some(1.0), Some(f64::NAN)]).unwrap(),
        df!("k" => ["a", "a", "a"], "v" => [1.0, 1.0, 1.0]).unwrap(),
        df!("a" => [1.0, 1.0], "b" => [2.0, 2.0]).unwrap(),
        df!("year" => [Some(2000), None], "v" => [1, 2]).unwrap(),
        df!("s" => ["2021-01-01", "nope"], "v" => [1, 2]).unwrap(),
        df!("flag" => [true, false, true], "n" => [1, 2, 3]).unwrap(),
        df!("x" => [5.0; 20]).unwrap(),
    ];
    for (i, d) in cases.into_iter().enumerate() {
        let out = build_named(&format!("awkward_{i}"), &table(d), None, None);
        assert!(out.spec["type"].is_string(), "case {i}: {}", out.spec);
        let again = build(&table(df!("x" => [1.0]).unwrap()), None, None).unwrap();
        assert_eq!(kind(&again), "kpi");
    }
}

#[test]
fn same_table_same_option() {
    let t = table(df!("region" => ["a", "b", "c", "d"], "sales" => [1.0, 3.0, 3.0, 2.0]).unwrap());
    let a = build(&t, None, None).unwrap();
    let b = build(&t, None, None).unwrap();
    assert_eq!(a.option, b.option);
    assert_eq!(a.spec, b.spec);
}
