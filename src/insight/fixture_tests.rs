//! Each statistic against values computed independently with scipy / numpy / pymannkendall /
//! pyhomogeneity (scripts/insight_fixtures.py → tests/fixtures/insights/*.json).

use super::stats::*;
use serde_json::Value;

fn load(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn arr(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// |a − b| ≤ abs, or within `rel` relative.
#[track_caller]
fn close(got: f64, want: f64, rel: f64, abs: f64, what: &str) {
    let ok = (got - want).abs() <= abs || (got - want).abs() <= rel * want.abs().max(got.abs());
    assert!(ok, "{what}: got {got:e}, want {want:e}");
}

#[test]
fn mann_kendall_and_sen_match_pymannkendall() {
    for c in load(include_str!("../../tests/fixtures/insights/mann_kendall.json")) {
        let name = c["name"].as_str().unwrap();
        let y = arr(&c["y"]);
        let mk = mann_kendall(&y).unwrap();
        close(mk.s, c["s"].as_f64().unwrap(), 0.0, 0.0, &format!("{name} S"));
        close(mk.var_s, c["var_s"].as_f64().unwrap(), 1e-12, 1e-9, &format!("{name} var S"));
        close(mk.z, c["z"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} z"));
        // pymannkendall computes 2·(1 − Φ(|z|)), which rounds to 0 below ~1e-16
        close(mk.p, c["p"].as_f64().unwrap(), 1e-8, 1e-15, &format!("{name} p"));
        close(mk.tau, c["tau"].as_f64().unwrap(), 1e-12, 1e-15, &format!("{name} tau"));
        let x: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        close(theil_sen_slope(&x, &y).unwrap(), c["sen_slope"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} Sen slope"));
        let w = mann_kendall_tfpw(&y).unwrap();
        let want = &c["tfpw"];
        close(w.s, want["s"].as_f64().unwrap(), 0.0, 0.0, &format!("{name} TFPW S"));
        close(w.var_s, want["var_s"].as_f64().unwrap(), 1e-12, 1e-9, &format!("{name} TFPW var S"));
        close(w.z, want["z"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} TFPW z"));
        close(w.p, want["p"].as_f64().unwrap(), 1e-8, 1e-15, &format!("{name} TFPW p"));
    }
}

#[test]
fn pettitt_matches_pyhomogeneity() {
    for c in load(include_str!("../../tests/fixtures/insights/pettitt.json")) {
        let name = c["name"].as_str().unwrap();
        let pt = pettitt(&arr(&c["y"])).unwrap();
        assert_eq!(pt.at as u64, c["at"].as_u64().unwrap(), "{name} location");
        close(pt.k, c["k"].as_f64().unwrap(), 0.0, 1e-9, &format!("{name} K"));
        close(pt.p, c["p"].as_f64().unwrap(), 1e-10, 1e-300, &format!("{name} p"));
        close(pt.mean_before, c["mean_before"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} mean before"));
        close(pt.mean_after, c["mean_after"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} mean after"));
        let (_, r1, p_adj) = pettitt_ar1(&arr(&c["y"])).unwrap();
        close(r1, c["r1"].as_f64().unwrap(), 1e-10, 1e-12, &format!("{name} lag-1 autocorrelation"));
        close(p_adj, c["p_ar1"].as_f64().unwrap(), 1e-9, 1e-300, &format!("{name} AR(1)-corrected p"));
    }
}

#[test]
fn regression_matches_scipy_linregress_and_theilslopes() {
    for c in load(include_str!("../../tests/fixtures/insights/regression.json")) {
        let name = c["name"].as_str().unwrap();
        let (x, y) = (arr(&c["x"]), arr(&c["y"]));
        let f = linear_fit(&x, &y).unwrap();
        close(f.slope, c["slope"].as_f64().unwrap(), 1e-10, 1e-12, &format!("{name} slope"));
        close(f.intercept, c["intercept"].as_f64().unwrap(), 1e-10, 1e-9, &format!("{name} intercept"));
        close(f.r, c["r"].as_f64().unwrap(), 1e-10, 1e-12, &format!("{name} r"));
        close(f.p, c["p"].as_f64().unwrap(), 1e-7, 1e-300, &format!("{name} p"));
        close(f.stderr, c["stderr"].as_f64().unwrap(), 1e-9, 1e-12, &format!("{name} stderr"));
        close(theil_sen_slope(&x, &y).unwrap(), c["theil_sen"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} Theil-Sen"));
    }
}

#[test]
fn pearson_matches_scipy() {
    for c in load(include_str!("../../tests/fixtures/insights/pearson.json")) {
        let name = c["name"].as_str().unwrap();
        let p = pearson(&arr(&c["x"]), &arr(&c["y"])).unwrap();
        close(p.r, c["r"].as_f64().unwrap(), 1e-10, 1e-12, &format!("{name} r"));
        close(p.p, c["p"].as_f64().unwrap(), 1e-7, 1e-300, &format!("{name} p"));
        assert_eq!(p.n as u64, c["n"].as_u64().unwrap(), "{name} n");
    }
}

#[test]
fn quantiles_iqr_robust_z_cv_match_numpy_scipy() {
    for c in load(include_str!("../../tests/fixtures/insights/quantiles.json")) {
        let name = c["name"].as_str().unwrap();
        let x = arr(&c["x"]);
        let s = sorted(&x);
        for (p, want) in c["quantiles"].as_object().unwrap() {
            let p: f64 = p.parse().unwrap();
            close(quantile_sorted(&s, p).unwrap(), want.as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} q{p}"));
        }
        let iq = iqr_outliers(&x, 1.5).unwrap();
        close(iq.q1, c["q1"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} q1"));
        close(iq.q3, c["q3"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} q3"));
        close(iq.lower, c["lower"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} lower fence"));
        close(iq.upper, c["upper"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} upper fence"));
        let want: Vec<usize> = c["outliers"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(iq.outliers, want, "{name} outliers");
        close(median(&x).unwrap(), c["median"].as_f64().unwrap(), 0.0, 1e-12, &format!("{name} median"));
        if let Some(rz) = c["robust_z"].as_array() {
            let got = robust_z(&x).unwrap();
            for (g, w) in got.iter().zip(rz) {
                close(*g, w.as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} robust z"));
            }
        }
        if let Some(cv) = c["cv"].as_f64() {
            close(coefficient_of_variation(&x).unwrap(), cv, 1e-12, 1e-12, &format!("{name} cv"));
        }
        close(std_dev(&x).unwrap(), c["std"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} std"));
    }
}

#[test]
fn series_outliers_match_the_numpy_definition() {
    for c in load(include_str!("../../tests/fixtures/insights/series_outliers.json")) {
        let name = c["name"].as_str().unwrap();
        let (resid, z, flagged) = series_outliers(&arr(&c["y"]), 3.5).unwrap();
        for (g, w) in resid.iter().zip(arr(&c["resid"])) {
            close(*g, w, 1e-9, 1e-9, &format!("{name} residual"));
        }
        for (g, w) in z.iter().zip(arr(&c["z"])) {
            close(*g, w, 1e-8, 1e-8, &format!("{name} z"));
        }
        let want: Vec<usize> = c["flagged"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(flagged, want, "{name} flagged");
    }
}

#[test]
fn concentration_matches_numpy() {
    for c in load(include_str!("../../tests/fixtures/insights/concentration.json")) {
        let name = c["name"].as_str().unwrap();
        let (k, share) = concentration(&arr(&c["x"]), 0.8).unwrap();
        assert_eq!(k as u64, c["k"].as_u64().unwrap(), "{name} k");
        close(share, c["share"].as_f64().unwrap(), 1e-12, 1e-12, &format!("{name} share"));
    }
}

#[test]
fn distributions_match_scipy() {
    let v: Value = serde_json::from_str(include_str!("../../tests/fixtures/insights/special.json")).unwrap();
    for c in v["cases"]["normal_two_sided"].as_array().unwrap() {
        let z = c["z"].as_f64().unwrap();
        close(normal_p_two_sided(z), c["p"].as_f64().unwrap(), 1e-12, 1e-300, &format!("normal z={z}"));
    }
    for c in v["cases"]["t_two_sided"].as_array().unwrap() {
        let (t, df) = (c["t"].as_f64().unwrap(), c["df"].as_f64().unwrap());
        close(t_p_two_sided(t, df), c["p"].as_f64().unwrap(), 1e-9, 1e-300, &format!("t={t} df={df}"));
    }
}
