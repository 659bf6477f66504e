//! Insights on small tables whose answers are known, significance gating, tiny samples,
//! ranking, determinism, and the narration's wording.

use super::*;
use polars::prelude::*;

fn table(df: DataFrame) -> RowTable {
    RowTable::from_frame(&df).unwrap()
}

fn dated(df: DataFrame, c: &str) -> DataFrame {
    df.lazy().with_column(col(c).str().to_date(StrptimeOptions::default())).collect().unwrap()
}

fn kinds(ins: &[Insight]) -> Vec<&str> {
    ins.iter().map(|i| i.kind).collect()
}

fn get<'a>(ins: &'a [Insight], kind: &str) -> &'a Insight {
    ins.iter().find(|i| i.kind == kind).unwrap_or_else(|| panic!("no {kind} in {:?}", kinds(ins)))
}

fn months(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}-{:02}-01", 2020 + i / 12, i % 12 + 1)).collect()
}

/// Deterministic noise in [-1, 1] (a SplitMix64 hash of i).
fn noise(i: usize) -> f64 {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % 2_000_001) as f64 / 1_000_000.0 - 1.0
}

fn sentences(text: &str) -> usize {
    text.matches(". ").count() + 1
}

#[test]
fn single_value_answers_in_one_sentence_plus_context() {
    let t = table(df!("total" => [42]).unwrap());
    let ins = find(&t, None).unwrap();
    assert_eq!(kinds(&ins), vec!["value"]);
    assert_eq!(ins[0].text, "Total is 42.");
    assert_eq!(narrate(&t, &ins, None).unwrap(), "Total is 42. The result is a single row.");
    let t = table(df!("region" => ["North"], "revenue_usd" => [1_250_000.0], "orders" => [310]).unwrap());
    let ins = find(&t, None).unwrap();
    assert_eq!(ins[0].text, "For North, revenue is $1.25M; there are 310 orders.");
    let t = table(df!("flights" => [10_000]).unwrap());
    assert_eq!(find(&t, None).unwrap()[0].text, "There are 10,000 flights.");
}

#[test]
fn change_over_time_reads_like_the_issue_example() {
    let years = ["2019-01-01", "2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01"];
    let t = table(dated(df!("year" => years, "total_spend_usd" => [1.2e6, 1.5e6, 1.4e6, 1.8e6, 2.0e6]).unwrap(), "year"));
    let ins = find(&t, None).unwrap();
    let c = get(&ins, "change");
    assert_eq!(c.text, "Total spend rose from $1.2M in 2019 to $2M in 2023, +66.7%.");
    assert_eq!(c.values["smallSample"], true, "5 points: no trend test");
    assert!(!kinds(&ins).contains(&"trend"), "tiny sample: no trend claimed");
    let text = narrate(&t, &ins, None).unwrap();
    assert!(text.starts_with("Total spend rose from $1.2M in 2019 to $2M in 2023, +66.7%."), "{text}");
    assert!((2..=4).contains(&sentences(&text)), "{text}");
}

#[test]
fn significant_trend_is_reported_with_its_test() {
    let n = 36;
    let vals: Vec<f64> = (0..n).map(|i| 100.0 + 5.0 * i as f64 + 8.0 * noise(i)).collect();
    let t = table(dated(df!("month" => months(n), "sales" => vals).unwrap(), "month"));
    let ins = find(&t, None).unwrap();
    let tr = get(&ins, "trend");
    assert_eq!(tr.values["direction"], "up");
    assert_eq!(tr.values["test"], "mann-kendall (trend-free pre-whitening)");
    assert!(tr.significance.unwrap() < 1e-6);
    assert_eq!(tr.values["per"], "month");
    // Sen's slope per month, close to the 5 we put in
    let sen = tr.values["senSlope"].as_f64().unwrap();
    assert!((sen - 5.0).abs() < 0.5, "{sen}");
    assert_eq!(tr.text, format!("Sales steadily trended upward over the period, by about {} per month.", fmt_num(sen)));
    // no step on top of a steady rise
    assert!(!kinds(&ins).contains(&"change_point"), "{:?}", kinds(&ins));
    // noise alone: no trend
    let flat: Vec<f64> = (0..n).map(|i| 100.0 + 10.0 * noise(i * 3)).collect();
    let t = table(dated(df!("month" => months(n), "sales" => flat).unwrap(), "month"));
    let ins = find(&t, None).unwrap();
    assert!(!kinds(&ins).contains(&"trend"), "{:?}", ins.iter().map(|i| &i.text).collect::<Vec<_>>());
}

#[test]
fn period_over_period_and_year_over_year() {
    let n = 25;
    let vals: Vec<f64> = (0..n).map(|i| if i == n - 1 { 150.0 } else if i == n - 13 { 100.0 } else { 110.0 + noise(i) }).collect();
    let t = table(dated(df!("month" => months(n), "orders" => vals.clone()).unwrap(), "month"));
    let ins = find(&t, None).unwrap();
    let p = get(&ins, "period_change");
    let prev = vals[n - 2];
    let want = (150.0 - prev) / prev;
    assert!((p.values["change"].as_f64().unwrap() - want).abs() < 1e-12);
    assert_eq!(p.values["yearAgo"]["label"], "Jan 2021");
    assert_eq!(p.values["yearAgo"]["change"], 0.5);
    assert!(p.text.starts_with("In Jan 2022, orders was 150, up "), "{}", p.text);
    assert!(p.text.contains(" from Dec 2021 and up 50% from Jan 2021."), "{}", p.text);
    assert_eq!(p.values["unusual"], true);
}

#[test]
fn change_point_on_a_step() {
    let n = 40;
    let vals: Vec<f64> = (0..n).map(|i| if i < 22 { 10.0 + noise(i) } else { 20.0 + noise(i) }).collect();
    let t = table(dated(df!("month" => months(n), "visits" => vals).unwrap(), "month"));
    let ins = find(&t, None).unwrap();
    let cp = get(&ins, "change_point");
    assert_eq!(cp.values["index"], 22);
    assert_eq!(cp.values["at"], "Nov 2021");
    assert!(cp.significance.unwrap() < 0.05);
    assert!(cp.text.starts_with("Visits shifted up around Nov 2021: from an average of 10"), "{}", cp.text);
}

#[test]
fn a_spike_in_a_series_stands_out() {
    let n = 30;
    let vals: Vec<f64> = (0..n).map(|i| if i == 17 { 60.0 } else { 20.0 + noise(i) }).collect();
    let t = table(dated(df!("month" => months(n), "calls" => vals).unwrap(), "month"));
    let ins = find(&t, None).unwrap();
    let o = get(&ins, "series_outlier");
    assert_eq!(o.values["points"][0]["label"], "Jun 2021");
    assert_eq!(o.text, "One month stands out: Jun 2021 (60, higher than the months around it).");
}

#[test]
fn rankings_shares_and_concentration() {
    let t = table(df!("region" => ["N", "S", "E", "W", "C", "X"], "sales" => [500.0, 300.0, 80.0, 60.0, 40.0, 20.0]).unwrap());
    let ins = find(&t, None).unwrap();
    assert_eq!(get(&ins, "ranking").text, "N has the most sales: 500, followed by S (300).");
    assert_eq!(get(&ins, "top_contributor").text, "N accounts for 50% of the total sales (500 of 1,000).");
    assert_eq!(get(&ins, "concentration").text, "2 of the 6 region values (N, S) together account for 80% of the total sales.");
    let t = table(df!("origin" => ["USA", "Japan", "Europe"], "cars" => [254, 79, 73]).unwrap());
    let ins = find(&t, None).unwrap();
    assert_eq!(get(&ins, "majority").text, "USA alone accounts for more than half of the total cars: 254 of 406 (62.6%).");
    let text = narrate(&t, &ins, None).unwrap();
    assert!(text.starts_with("USA has the most cars: 254, followed by Japan (79). USA alone accounts"), "{text}");
    // an average is not shared out
    let t = table(df!("origin" => ["USA", "Japan", "Europe"], "avg_mpg" => [20.1, 30.5, 27.9]).unwrap());
    let ins = find(&t, None).unwrap();
    assert!(!kinds(&ins).iter().any(|k| ["majority", "top_contributor", "concentration"].contains(k)), "{:?}", kinds(&ins));
}

/// SUM(sales) by region, sorted (descending or not) and limited.
fn ranked(descending: bool, limit: u64) -> Intent {
    serde_json::from_value(json!({
        "measures": [{"field": "sales", "aggregate": "sum", "as": "sum_sales"}], "dimensions": [{"field": "region"}],
        "filters": [], "sort": {"field": "sum_sales", "descending": descending}, "limit": limit
    }))
    .unwrap()
}

#[test]
fn a_top_n_is_a_part_shares_are_of_the_rows_shown() {
    let t = table(df!("region" => ["N", "S", "E", "W", "C"], "sum_sales" => [400.0, 300.0, 80.0, 60.0, 40.0]).unwrap());
    let i = ranked(true, 5);
    let ins = find(&t, Some(&i)).unwrap();
    assert_eq!(get(&ins, "ranking").text, "N has the most total sales: 400, followed by S (300).");
    assert_eq!(get(&ins, "top_contributor").text, "N accounts for 45.5% of the total sales of the 5 rows shown (400 of 880).");
    assert!(!kinds(&ins).contains(&"concentration"), "{:?}", kinds(&ins));
    // fewer rows than the limit: every group is there, the total is the total
    let i = ranked(true, 10);
    let ins = find(&t, Some(&i)).unwrap();
    assert_eq!(get(&ins, "top_contributor").text, "N accounts for 45.5% of the total sales (400 of 880).");
    // rows cut by the row cap: a part too
    let ins = find_in(&t, None, true).unwrap();
    assert!(get(&ins, "top_contributor").text.contains("of the 5 rows shown"));
    // a bottom N reads from the lowest, and its largest value does not "lead"
    let i = ranked(false, 5);
    let ins = find(&t, Some(&i)).unwrap();
    assert_eq!(get(&ins, "ranking").text, "C has the fewest total sales: 40, followed by W (60).");
    assert!(!kinds(&ins).contains(&"top_contributor"), "{:?}", kinds(&ins));
}

#[test]
fn category_outliers_by_iqr() {
    let names: Vec<String> = (0..12).map(|i| format!("s{i}")).collect();
    let mut v: Vec<f64> = (0..12).map(|i| 50.0 + f64::from(i % 5)).collect();
    v[4] = 400.0;
    let t = table(df!("store" => names, "avg_basket" => v).unwrap());
    let ins = find(&t, None).unwrap();
    let o = get(&ins, "outliers");
    assert_eq!(o.values["labels"], json!(["s4"]));
    assert!(o.text.starts_with("S4 (400) is unusually high; most store values are between "), "{}", o.text);
}

#[test]
fn low_variance_and_extremes() {
    let t = table(df!("day" => ["a", "b", "c", "d"], "avg_temp" => [20.0, 20.5, 19.8, 20.2]).unwrap());
    let ins = find(&t, None).unwrap();
    let lv = get(&ins, "low_variance");
    assert_eq!(lv.text, "Avg temp varies little across the 4 day values: every value is within 1.9% of the average, 20.1.");
    assert_eq!(get(&ins, "extremes").text, "Avg temp ranges from 19.8 (c) to 20.5 (b).");
}

#[test]
fn correlation_with_enough_rows_only() {
    let n = 40;
    let hp: Vec<f64> = (0..n).map(|i| 60.0 + 4.0 * i as f64).collect();
    let mpg: Vec<f64> = (0..n).map(|i| 40.0 - 0.4 * i as f64 + 2.0 * noise(i)).collect();
    let t = table(df!("Horsepower" => hp.clone(), "Miles_per_Gallon" => mpg.clone()).unwrap());
    let ins = find(&t, None).unwrap();
    let c = get(&ins, "correlation");
    let p = stats::pearson(&hp, &mpg).unwrap();
    assert_eq!(c.values["r"].as_f64().unwrap(), p.r);
    assert_eq!(c.values["n"], 40);
    assert!(c.text.starts_with("Horsepower and Miles per Gallon are strongly related: rows with a higher Horsepower tend to have a lower Miles per Gallon (correlation -0.9"), "{}", c.text);
    assert!(narrate(&t, &ins, None).unwrap().starts_with("Horsepower and Miles per Gallon are strongly related"));
    // 8 rows: too few to claim a relationship
    let t = table(df!("a" => hp[..8].to_vec(), "b" => mpg[..8].to_vec()).unwrap());
    assert!(!kinds(&find(&t, None).unwrap()).contains(&"correlation"));
    // unrelated columns: nothing claimed
    let b: Vec<f64> = (0..n).map(|i| noise(i * 31)).collect();
    let t = table(df!("a" => hp, "b" => b).unwrap());
    assert!(!kinds(&find(&t, None).unwrap()).contains(&"correlation"));
}

#[test]
fn raw_values_get_outliers_and_range() {
    let mut v: Vec<f64> = (0..100).map(|i| 10.0 + noise(i)).collect();
    v[50] = 90.0;
    let t = table(df!("delay" => v).unwrap());
    let ins = find(&t, None).unwrap();
    assert!(get(&ins, "outliers").text.starts_with("1 of the 100 delay values is unusually high (above "), "{}", get(&ins, "outliers").text);
    assert!(get(&ins, "extremes").text.starts_with("Across 100 rows, delay ranges from"));
    let text = narrate(&t, &ins, None).unwrap();
    assert!(text.starts_with("The result has 100 rows and 1 column."), "{text}");
}

#[test]
fn ranked_by_score_and_deterministic() {
    let n = 48;
    let vals: Vec<f64> = (0..n).map(|i| 100.0 + 3.0 * i as f64 + 4.0 * noise(i) + if i == 30 { 60.0 } else { 0.0 }).collect();
    let t = table(dated(df!("month" => months(n), "revenue" => vals).unwrap(), "month"));
    let a = find(&t, None).unwrap();
    assert!(a.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(a.iter().all(|i| (0.0..=1.0).contains(&i.score)));
    let b = find(&t, None).unwrap();
    assert_eq!(a, b);
    assert_eq!(narrate(&t, &a, None).unwrap(), narrate(&t, &b, None).unwrap());
    // every tested insight is significant at the chosen level
    assert!(a.iter().filter_map(|i| i.significance).all(|p| p < ALPHA));
}

#[test]
fn narration_is_two_to_four_sentences_and_uses_the_intent_notes() {
    let tables = vec![
        table(df!("x" => [1.0, 2.0, 3.0]).unwrap()),
        table(df!("k" => ["a", "b"], "v" => [1, 2]).unwrap()),
        table(df!("k" => ["a", "b", "c", "d", "e", "f", "g", "h", "i"], "v" => [90, 2, 3, 4, 5, 6, 7, 8, 1]).unwrap()),
        table(dated(df!("month" => months(30), "v" => (0..30).map(|i| i as f64 + noise(i)).collect::<Vec<_>>()).unwrap(), "month")),
    ];
    for t in &tables {
        let ins = find(t, None).unwrap();
        let text = narrate(t, &ins, None).unwrap();
        assert!((2..=4).contains(&sentences(&text)), "{text}");
        assert!(!text.contains("Mann") && !text.contains("p-value") && !text.contains("p ="), "no jargon: {text}");
    }
    let intent: Intent = serde_json::from_value(json!({"measures": [], "dimensions": [], "filters": [], "notes": ["\"Last year\" means 2023"]})).unwrap();
    let t = table(df!("total" => [7]).unwrap());
    let ins = find(&t, Some(&intent)).unwrap();
    assert_eq!(narrate(&t, &ins, Some(&intent)).unwrap(), "Total is 7. \"Last year\" means 2023.");
}

#[test]
fn never_panics_on_awkward_tables() {
    let cases: Vec<DataFrame> = vec![
        df!("x" => Vec::<f64>::new()).unwrap(),
        df!("x" => [f64::NAN, f64::INFINITY, f64::NEG_INFINITY]).unwrap(),
        df!("k" => [Some("a"), None, Some("b")], "v" => [None, Some(1.0), Some(f64::NAN)]).unwrap(),
        df!("k" => ["a", "a", "a"], "v" => [1.0, 1.0, 1.0]).unwrap(),
        df!("a" => [1.0; 12], "b" => [2.0; 12]).unwrap(),
        df!("year" => [Some(2000), None, Some(2001)], "v" => [1, 2, 3]).unwrap(),
        df!("v" => [0.0, 0.0, 0.0, 0.0]).unwrap(),
        df!("k" => ["a", "b", "c"], "v" => [-1.0, 0.0, 1.0]).unwrap(),
        dated(df!("d" => ["2021-01-01"; 12], "v" => [5.0; 12]).unwrap(), "d"),
    ];
    for (i, d) in cases.into_iter().enumerate() {
        let t = table(d);
        let ins = find(&t, None).unwrap();
        let text = narrate(&t, &ins, None).unwrap();
        assert!(!text.is_empty(), "case {i}");
        assert!(!text.contains("NaN") && !text.contains("inf"), "case {i}: {text}");
    }
}
