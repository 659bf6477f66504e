use super::*;

fn read(bytes: &[u8]) -> Result<(DataFrame, Format)> {
    read_bytes(bytes, &ReadOptions::default())
}

fn with_format(bytes: &[u8], f: &str) -> Result<(DataFrame, Format)> {
    read_bytes(bytes, &ReadOptions { format: Some(f.into()), ..Default::default() })
}

#[test]
fn csv_header_quotes_nulls_dates() {
    let csv = b"id,name,when,amount\n1,\"Smith, J\",2021-03-04,10.5\n2,\"say \"\"hi\"\"\",2021-03-05,NA\n3,,2021-03-06,\n";
    let (df, f) = read(csv).unwrap();
    assert_eq!(f, Format::Csv);
    assert_eq!(df.shape(), (3, 4));
    assert_eq!(df.column("when").unwrap().dtype(), &DataType::Date);
    assert_eq!(df.column("amount").unwrap().null_count(), 2);
    let names = df.column("name").unwrap().str().unwrap().clone();
    assert_eq!(names.get(0), Some("Smith, J"));
    assert_eq!(names.get(1), Some("say \"hi\""));
    assert_eq!(names.get(2), None);
}

#[test]
fn delimiters_are_sniffed() {
    let (df, f) = read(b"a;b;c\n1;2;3\n4;5;6\n").unwrap();
    assert_eq!((f, df.width()), (Format::Csv, 3));
    let (df, f) = read(b"a\tb\n1\tx\n2\ty\n").unwrap();
    assert_eq!((f, df.width()), (Format::Tsv, 2));
    let (df, _) = read(b"a|b\n1|x\n").unwrap();
    assert_eq!(df.width(), 2);
    // commas inside quotes do not fool the sniffer
    let (df, _) = read(b"a;b\n\"1,2,3\";x\n\"4,5\";y\n").unwrap();
    assert_eq!(df.width(), 2);
}

#[test]
fn explicit_options() {
    let opts = ReadOptions { format: Some("csv".into()), delimiter: Some("|".into()), header: Some(false), ..Default::default() };
    let (df, _) = read_bytes(b"1|x\n2|y\n", &opts).unwrap();
    assert_eq!(df.shape(), (2, 2));
    let bad = ReadOptions { delimiter: Some("ab".into()), format: Some("csv".into()), ..Default::default() };
    assert_eq!(read_bytes(b"a\n1\n", &bad).unwrap_err().code, ErrorCode::BadFile);
    assert_eq!(with_format(b"a\n1\n", "xlsx").unwrap_err().code, ErrorCode::UnsupportedFormat);
}

#[test]
fn json_array_and_ndjson_with_dates() {
    let json = br#"[{"city":"Oslo","n":1,"day":"2020-01-02"},{"city":"Rome","n":2.5,"day":"2020-02-03"}]"#;
    let (df, f) = read(json).unwrap();
    assert_eq!(f, Format::Json);
    assert_eq!(df.shape(), (2, 3));
    assert_eq!(df.column("day").unwrap().dtype(), &DataType::Date);
    assert_eq!(df.column("n").unwrap().dtype(), &DataType::Float64);
    let nd = b"{\"a\":1,\"t\":\"2020-01-02T03:04:05\"}\n{\"a\":2,\"t\":\"2020-01-02T03:04:06\"}\n";
    let (df, f) = read(nd).unwrap();
    assert_eq!(f, Format::Ndjson);
    assert!(matches!(df.column("t").unwrap().dtype(), DataType::Datetime(_, _)));
    // a text column that only starts like a date stays text
    let (df, _) = read(br#"[{"d":"2020-01-02"},{"d":"not a date"}]"#).unwrap();
    assert_eq!(df.column("d").unwrap().dtype(), &DataType::String);
}

#[test]
fn parquet_and_arrow_roundtrip() {
    use polars_io::ipc::{IpcStreamWriter, IpcWriter};
    use polars_io::parquet::write::ParquetWriter;
    use polars_io::SerWriter;
    let mut df = df!("k" => ["a", "b", "c"], "v" => [1i64, 2, 3]).unwrap();
    let mut pq = Vec::new();
    ParquetWriter::new(&mut pq).finish(&mut df).unwrap();
    let mut ipc = Vec::new();
    IpcWriter::new(&mut ipc).finish(&mut df).unwrap();
    let mut stream = Vec::new();
    IpcStreamWriter::new(&mut stream).finish(&mut df).unwrap();
    for (bytes, fmt) in [(&pq, Format::Parquet), (&ipc, Format::Arrow), (&stream, Format::ArrowStream)] {
        let (got, f) = read(bytes).unwrap();
        assert_eq!(f, fmt);
        assert!(got.equals(&df), "{fmt:?}");
    }
    // the two Arrow layouts declared the wrong way round name the right one
    let e = with_format(&stream, "arrow").unwrap_err();
    assert_eq!(e.code, ErrorCode::BadFile);
    assert!(e.hint.contains("'arrow-stream'"), "{e}");
    let e = with_format(&pq, "arrow").unwrap_err();
    assert!(e.message.contains("looks like Parquet"), "{e}");
    // truncated files are errors, not panics
    for bytes in [&pq, &ipc, &stream] {
        for cut in [bytes.len() / 2, bytes.len() - 3, 8] {
            let err = read(&bytes[..cut]).unwrap_err();
            assert_eq!(err.code, ErrorCode::BadFile, "cut {cut}: {err}");
            assert!(!err.hint.is_empty());
        }
    }
}

#[test]
fn bad_inputs_are_clear_errors() {
    assert_eq!(read(b"").unwrap_err().code, ErrorCode::EmptyInput);
    assert_eq!(read(b" \n\t ").unwrap_err().code, ErrorCode::EmptyInput);
    assert_eq!(read(b"\x89PNG\r\n\x1a\n\0\0\0").unwrap_err().code, ErrorCode::UnsupportedFormat);
    assert_eq!(read(b"PK\x03\x04zipzip").unwrap_err().code, ErrorCode::UnsupportedFormat);
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_eq!(read(&garbage).unwrap_err().code, ErrorCode::UnsupportedFormat);
    assert_eq!(read(b"[{\"a\": 1}, {\"a\": ").unwrap_err().code, ErrorCode::BadFile);
    assert_eq!(with_format(b"a,b\n1,2\n", "parquet").unwrap_err().code, ErrorCode::BadFile);
    assert_eq!(with_format(b"a,b\n1,2\n", "arrow").unwrap_err().code, ErrorCode::BadFile);
    assert_eq!(with_format(b"a,b\n1,2\n", "arrow-stream").unwrap_err().code, ErrorCode::BadFile);
    assert_eq!(read_rows_json(b"[]").unwrap_err().code, ErrorCode::EmptyInput);
    assert_eq!(read_rows_json(b"{\"a\":1}").unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn rows_json() {
    let df = read_rows_json(br#"[{"a":1,"b":"x","d":"2021-05-06T07:08:09.000Z"},{"a":2,"b":null}]"#).unwrap();
    assert_eq!(df.shape(), (2, 3));
    assert_eq!(df.column("a").unwrap().dtype(), &DataType::Int64);
    assert!(matches!(df.column("d").unwrap().dtype(), DataType::Datetime(_, _)), "{:?}", df.column("d").unwrap().dtype());
}

/// The sampled date inference gives the types polars-io's own `try_parse_dates` gives.
#[test]
fn csv_dates_inferred_as_polars_io_does() {
    let polars_io = |csv: &[u8]| -> Vec<DataType> {
        let parse = CsvParseOptions::default()
            .with_null_values(Some(NullValues::AllColumns(DEFAULT_NULLS.iter().map(|s| PlSmallStr::from(*s)).collect())))
            .with_missing_is_null(true)
            .with_try_parse_dates(true);
        let df = CsvReadOptions::default()
            .with_parse_options(parse)
            .into_reader_with_file_handle(Cursor::new(csv))
            .finish()
            .unwrap();
        df.dtypes()
    };
    let cases: [&[u8]; 9] = [
        b"d,t,x\n2021-03-04,2021-03-04 10:11:12,a\n2021-03-05,2021-03-05T01:02:03.5,b\n",
        b"d\n2021/03/04\n2021/03/05\n",
        b"d\n04-03-2021\n05-03-2021\n",
        b"z\n2021-03-04T10:11:12Z\n2021-03-05T10:11:12+01:00\n",
        b"t\n10:11:12\n23:00:01.25\n",
        // mixed dates and datetimes, dates and text, dates and numbers: text
        b"m\n2021-03-04\n2021-03-04 10:11:12\n",
        b"m\n2021-03-04\nsoon\n",
        b"m\n2021-03-04\n20210305\n",
        // nulls and quoted dates
        b"d,n\n\"2021-03-04\",1\nNA,2\n,3\n2021-03-06,4\n",
    ];
    for csv in cases {
        let (df, _) = read(csv).unwrap();
        assert_eq!(df.dtypes(), polars_io(csv), "{}", String::from_utf8_lossy(csv));
    }
}

#[test]
fn csv_dates_parse_and_bad_dates_past_the_sample_keep_text() {
    let (df, _) = read(b"d,t\n2021-03-04,2021-03-04 10:11:12\n,2021-03-05 00:00:01\n").unwrap();
    let d = df.column("d").unwrap().cast(&DataType::String).unwrap();
    assert_eq!(d.str().unwrap().get(0), Some("2021-03-04"));
    assert_eq!(d.null_count(), 1);
    assert_eq!(df.column("t").unwrap().dtype(), &DataType::Datetime(TimeUnit::Microseconds, None));
    // a value after the inference rows that is not a date: the column stays text, nothing lost
    let mut csv = String::from("d\n");
    for i in 0..30 {
        csv.push_str(&format!("2021-01-{:02}\n", i % 28 + 1));
    }
    csv.push_str("2021-02-30\n");
    let opts = ReadOptions { infer_rows: Some(10), ..Default::default() };
    let (df, _) = read_bytes(csv.as_bytes(), &opts).unwrap();
    assert_eq!(df.column("d").unwrap().dtype(), &DataType::String);
    assert_eq!(df.column("d").unwrap().null_count(), 0);
    assert_eq!(df.height(), 31);
    // parse_dates: false keeps text
    let opts = ReadOptions { parse_dates: Some(false), ..Default::default() };
    let (df, _) = read_bytes(b"d\n2021-03-04\n", &opts).unwrap();
    assert_eq!(df.column("d").unwrap().dtype(), &DataType::String);
}

#[test]
fn json_nesting_is_bounded_before_the_reader_recurses() {
    let nested = |depth: usize| {
        let inner = depth - 2; // the outer array and object are two levels
        format!(r#"[{{"id": 1, "a": {}{}}}]"#, "[".repeat(inner), "]".repeat(inner))
    };
    // at the limit it reads (a list column nested 62 deep)
    let (df, _) = with_format(nested(MAX_JSON_DEPTH).as_bytes(), "json").unwrap();
    assert_eq!(df.height(), 1);
    assert_eq!(df.column("id").unwrap().i64().unwrap().get(0), Some(1));
    // one past it, and 200,000 levels (which overflowed the stack), are clear errors
    for depth in [MAX_JSON_DEPTH + 1, 200_000] {
        let e = with_format(nested(depth).as_bytes(), "json").unwrap_err();
        assert_eq!(e.code, ErrorCode::BadFile, "{depth}: {e}");
        assert!(e.message.contains("more than 64 levels deep"), "{}", e.message);
        let e = read(nested(depth).as_bytes()).unwrap_err(); // sniffed
        assert_eq!(e.code, ErrorCode::BadFile);
        let e = read_rows_json(nested(depth).as_bytes()).unwrap_err();
        assert!(e.message.contains("levels deep"), "{}", e.message);
    }
    let deep_line = format!("{}1{}\n", r#"{"a": "#.repeat(100_000), "}".repeat(100_000));
    assert_eq!(with_format(format!("{{\"a\": 1}}\n{deep_line}").as_bytes(), "ndjson").unwrap_err().code, ErrorCode::BadFile);
    // brackets inside strings (escaped quotes too) are text, not nesting
    let text = format!(r#"[{{"s": "{}\"{}"}}]"#, "[{".repeat(500), "]".repeat(3));
    let (df, _) = with_format(text.as_bytes(), "json").unwrap();
    assert_eq!(df.column("s").unwrap().str().unwrap().get(0).map(str::len), Some(1000 + 1 + 3));
}

#[test]
fn nesting_past_the_readers_limits_is_refused() {
    use polars_io::ipc::{IpcStreamWriter, IpcWriter};
    use polars_io::SerWriter;
    // lists nested `depth` deep, written by polars (pyarrow will not write past 64)
    let nested = |depth: usize| {
        let mut s = Series::new("a".into(), [1i64, 2]);
        for _ in 0..depth {
            s = s.implode().unwrap().into_series();
        }
        DataFrame::new(vec![s.into()]).unwrap()
    };
    for (depth, ok) in [(60, true), (100, false)] {
        let mut df = nested(depth);
        let mut file = Vec::new();
        IpcWriter::new(&mut file).finish(&mut df).unwrap();
        let mut stream = Vec::new();
        IpcStreamWriter::new(&mut stream).finish(&mut df).unwrap();
        for bytes in [&file, &stream] {
            match read(bytes) {
                Ok((got, _)) => assert!(ok && got.equals(&df), "{depth}"),
                Err(e) => {
                    assert!(!ok, "{depth}: {e}");
                    assert_eq!(e.code, ErrorCode::BadFile);
                    assert!(e.message.contains("nests lists or structs too deeply"), "{}", e.message);
                }
            }
        }
    }
}

#[test]
fn types_polars_arrow_cannot_build_are_found_anywhere_in_a_column() {
    use polars_arrow::datatypes::{Field as AField, IntervalUnit};
    let field = |name: &str, dtype: ArrowDataType| AField::new(name.into(), dtype, true);
    let bad_map = ArrowDataType::Map(Box::new(field("entries", ArrowDataType::Int32)), false);
    let good_map = ArrowDataType::Map(
        Box::new(field("entries", ArrowDataType::Struct(vec![field("k", ArrowDataType::Utf8), field("v", ArrowDataType::Int64)]))),
        false,
    );
    let interval_in_list = ArrowDataType::LargeList(Box::new(field(
        "item",
        ArrowDataType::Struct(vec![field("a", ArrowDataType::Int64), field("b", ArrowDataType::Interval(IntervalUnit::DayTime))]),
    )));
    assert_eq!(unbuildable(&interval_in_list), Some("an interval"));
    assert_eq!(unbuildable(&ArrowDataType::Decimal256(60, 2)), Some("a 256-bit decimal"));
    assert_eq!(unbuildable(&ArrowDataType::FixedSizeBinary(0)), Some("a zero-width binary"));
    assert_eq!(unbuildable(&bad_map), Some("a map without key/value entries"));
    let wide_in_struct = ArrowDataType::Struct(vec![field("a", ArrowDataType::Int64), field("d", ArrowDataType::Decimal(40, 2))]);
    assert_eq!(unbuildable(&wide_in_struct), Some("a decimal of more than 38 digits"));
    for ok in [good_map, ArrowDataType::FixedSizeBinary(4), ArrowDataType::Decimal(38, 2), ArrowDataType::Utf8View] {
        assert_eq!(unbuildable(&ok), None, "{ok:?}");
        // and what passes builds an empty array without panicking
        let _ = polars_arrow::array::new_empty_array(ok);
    }
}
