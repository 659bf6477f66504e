//! Tables in: bytes (CSV, TSV, JSON, NDJSON, Parquet, Arrow IPC file/stream) and rows.
//!
//! Owns format sniffing, reader options and the mapping of reader failures to
//! [`ErrorCode::BadFile`] / [`ErrorCode::UnsupportedFormat`] / [`ErrorCode::EmptyInput`].
//! Reads with `polars-io` directly (never polars' `csv`/`parquet` features, which pull the
//! streaming engine into wasm). Must never panic on user bytes, and never touches the engine.

mod sniff;

use std::io::Cursor;
use std::num::NonZeroUsize;

use polars::prelude::*;
use polars::time::chunkedarray::string::infer::{infer_pattern_single, DatetimeInfer, TryFromWithUnit};
use polars::time::chunkedarray::string::Pattern;
use polars_io::csv::read::{CsvParseOptions, CsvReadOptions, NullValues};
use polars_arrow::io::ipc::read::{self as ipc_read, with_decompression_allowance};
use polars_io::ipc::{IpcReader, IpcStreamReader};
use polars_io::json::{JsonFormat, JsonReader};
use polars_io::parquet::read::{ParallelStrategy, ParquetReader};
use polars_io::utils::compression::SupportedCompression;
use polars_io::SerReader;
use serde::Deserialize;

use crate::error::{short_detail, Error, ErrorCode, Result};

pub use sniff::sniff;

/// The formats insightflow reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Json,
    Ndjson,
    Parquet,
    /// Arrow IPC file (`ARROW1` magic, a.k.a. Feather v2).
    Arrow,
    /// Arrow IPC stream.
    ArrowStream,
}

impl Format {
    pub fn parse(name: &str) -> Result<Format> {
        let f = match name.trim().to_ascii_lowercase().as_str() {
            "csv" | "text/csv" => Format::Csv,
            "tsv" | "tab" | "text/tab-separated-values" => Format::Tsv,
            "json" | "application/json" => Format::Json,
            "ndjson" | "jsonl" | "jsonlines" | "application/x-ndjson" => Format::Ndjson,
            "parquet" | "pq" => Format::Parquet,
            "arrow" | "ipc" | "feather" | "arrow-file" | "application/vnd.apache.arrow.file" => Format::Arrow,
            "arrow-stream" | "arrows" | "ipc-stream" | "arrowstream" | "application/vnd.apache.arrow.stream" => {
                Format::ArrowStream
            }
            other => {
                return Err(Error::new(
                    ErrorCode::UnsupportedFormat,
                    format!("'{other}' is not a file format insightflow can read."),
                    "Use one of: csv, tsv, json, ndjson, parquet, arrow, arrow-stream (or leave the format out to detect it).",
                ))
            }
        };
        Ok(f)
    }

    /// The name to pass as the `format` option.
    pub fn option_name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
            Format::ArrowStream => "arrow-stream",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Json => "JSON",
            Format::Ndjson => "NDJSON",
            Format::Parquet => "Parquet",
            Format::Arrow => "Arrow IPC file",
            Format::ArrowStream => "Arrow IPC stream",
        }
    }

    /// What to call one input of this format in a sentence: "Parquet file", "Arrow IPC stream".
    fn file_noun(self) -> String {
        match self {
            Format::Arrow | Format::ArrowStream => self.name().to_string(),
            _ => format!("{} file", self.name()),
        }
    }
}

/// Options for reading a table from bytes. All optional; the defaults suit most files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadOptions {
    /// The format; sniffed from the bytes when absent.
    pub format: Option<String>,
    /// CSV delimiter (one ASCII character); sniffed when absent.
    pub delimiter: Option<String>,
    /// Whether the first CSV line holds the column names (default true).
    pub header: Option<bool>,
    /// Strings read as null in CSV (default: empty, NA, N/A, null, NULL, None, nan is kept as NaN).
    pub null_values: Option<Vec<String>>,
    /// CSV quote character (default `"`).
    pub quote: Option<String>,
    /// Parse date/datetime-looking text columns into dates (default true).
    pub parse_dates: Option<bool>,
    /// Rows used to infer CSV/JSON column types (default 10,000).
    pub infer_rows: Option<usize>,
}

const DEFAULT_NULLS: [&str; 6] = ["", "NA", "N/A", "null", "NULL", "None"];
const DEFAULT_INFER_ROWS: usize = 10_000;

/// Reads a table from bytes. The format comes from `opts.format`, else from [`sniff`].
/// Returns the frame and the format actually used.
pub fn read_bytes(bytes: &[u8], opts: &ReadOptions) -> Result<(DataFrame, Format)> {
    read_bytes_within(bytes, opts, usize::MAX)
}

/// [`read_bytes`] for a runtime with `memory_left` bytes to spare: compressed Parquet pages and
/// Arrow IPC buffers, and the values Parquet pages declare (run-length levels declare millions
/// in a few bytes), whose size is only known as they are read, are refused before they are
/// unpacked past it (`TOO_LARGE`).
pub fn read_bytes_within(bytes: &[u8], opts: &ReadOptions, memory_left: usize) -> Result<(DataFrame, Format)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::new(
            ErrorCode::EmptyInput,
            "The file is empty.",
            "Choose a file that has data in it.",
        ));
    }
    let format = match &opts.format {
        Some(name) => Format::parse(name)?,
        None => sniff(bytes)?,
    };
    let df = match format {
        Format::Csv | Format::Tsv => read_csv(bytes, format, opts),
        Format::Json => {
            check_json_depth(bytes)?;
            read_json(bytes, JsonFormat::Json, opts)
        }
        Format::Ndjson => {
            check_json_depth(bytes)?;
            read_json(bytes, JsonFormat::JsonLines, opts)
        }
        // Compressed formats show their size only as they unpack: each page or buffer is taken
        // from what the budget has left before it is allocated (vendored patches).
        Format::Parquet | Format::Arrow | Format::ArrowStream => {
            if format != Format::Parquet {
                check_ipc_columns(bytes, format)?;
            }
            let read = || match format {
                Format::Parquet => read_parquet(bytes),
                Format::ArrowStream => IpcStreamReader::new(Cursor::new(bytes)).finish(),
                _ => IpcReader::new(Cursor::new(bytes)).finish(),
            };
            with_decompression_allowance(memory_left, read).ok_or_else(|| unpacks_too_large(format, memory_left))?
        }
    }
    .map_err(|e| bad_file(format, &e, bytes))?;
    let df = if opts.parse_dates.unwrap_or(true) && matches!(format, Format::Json | Format::Ndjson) {
        infer_temporal_strings(df)
    } else {
        df
    };
    check_columns(&df, format)?;
    Ok((df, format))
}

/// Estimated in-memory size of the table `bytes` will become, made before anything is
/// allocated (from the format's typical expansion), for the runtime's memory budget.
pub fn estimate_frame_bytes(bytes: &[u8], opts: &ReadOptions) -> usize {
    let format = match &opts.format {
        Some(name) => Format::parse(name).ok(),
        None => sniff(bytes).ok(),
    };
    let factor = match format {
        // text: numbers shrink, strings keep their bytes plus views/offsets
        Some(Format::Csv | Format::Tsv) => 1.5,
        Some(Format::Json | Format::Ndjson) => 1.0,
        // compressed columnar: decoded data is typically several times larger
        Some(Format::Parquet) => 5.0,
        Some(Format::Arrow | Format::ArrowStream) | None => 1.1,
    };
    (bytes.len() as f64 * factor) as usize
}

/// Reads rows given as a JSON array of objects (what `JSON.stringify(rows)` gives).
pub fn read_rows_json(json: &[u8]) -> Result<DataFrame> {
    let trimmed = trim_ascii(json);
    if trimmed.is_empty() || trimmed == b"[]" {
        return Err(Error::new(
            ErrorCode::EmptyInput,
            "No rows were given.",
            "Pass an array with at least one object, e.g. [{\"city\": \"Oslo\", \"sales\": 10}].",
        ));
    }
    if trimmed.first() != Some(&b'[') {
        return Err(Error::invalid(
            "Rows must be an array of objects.",
            "Pass an array like [{\"city\": \"Oslo\", \"sales\": 10}].",
        ));
    }
    check_json_depth(json)?;
    let opts = ReadOptions::default();
    let df = read_json(json, JsonFormat::Json, &opts).map_err(|e| {
        Error::invalid(
            "The rows could not be read as a table.",
            format!("Each row should be an object with the same simple fields (numbers, text, booleans, dates). Detail: {}", short_detail(&e.to_string())),
        )
    })?;
    let df = infer_temporal_strings(df);
    check_columns(&df, Format::Json)?;
    Ok(df)
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |p| p + 1);
    b.get(start..end).unwrap_or(&[])
}

fn one_ascii_byte(s: &str, what: &str) -> Result<u8> {
    match s.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ if s == "\\t" => Ok(b'\t'),
        _ => Err(Error::invalid(
            format!("The {what} must be a single character, got '{s}'."),
            format!("Pass one character such as ',' or ';' or '\\t' as the {what}."),
        )),
    }
}

fn read_csv(bytes: &[u8], format: Format, opts: &ReadOptions) -> PolarsResult<DataFrame> {
    let sep = match (&opts.delimiter, format) {
        (Some(d), _) => one_ascii_byte(d, "delimiter").map_err(|e| polars_err!(ComputeError: "{}", e.message))?,
        (None, Format::Tsv) => b'\t',
        (None, _) => sniff::csv_delimiter(bytes),
    };
    let quote = match &opts.quote {
        Some(q) if q.is_empty() => None,
        Some(q) => Some(one_ascii_byte(q, "quote").map_err(|e| polars_err!(ComputeError: "{}", e.message))?),
        None => Some(b'"'),
    };
    let nulls: Vec<PlSmallStr> = match &opts.null_values {
        Some(v) => v.iter().map(|s| PlSmallStr::from(s.as_str())).collect(),
        None => DEFAULT_NULLS.iter().map(|s| PlSmallStr::from(*s)).collect(),
    };
    let parse_dates = opts.parse_dates.unwrap_or(true);
    let infer_rows = opts.infer_rows.unwrap_or(DEFAULT_INFER_ROWS);
    let options = |try_parse_dates: bool| {
        let parse = CsvParseOptions::default()
            .with_separator(sep)
            .with_quote_char(quote)
            .with_null_values(Some(NullValues::AllColumns(nulls.clone())))
            .with_missing_is_null(true)
            .with_truncate_ragged_lines(true)
            .with_try_parse_dates(try_parse_dates);
        CsvReadOptions::default()
            .with_has_header(opts.header.unwrap_or(true))
            .with_infer_schema_length(Some(infer_rows))
            .with_parse_options(parse)
    };
    let read = |o: CsvReadOptions| o.into_reader_with_file_handle(Cursor::new(bytes)).finish();
    // Compressed text is decompressed inside the reader: a sample cannot be cut from it
    // cheaply, so polars-io infers dates itself there.
    if !parse_dates || infer_rows == 0 || SupportedCompression::check(bytes).is_some() {
        return read(options(parse_dates));
    }
    // polars-io's own date inference (`try_parse_dates`) tries ~150 chrono formats on every
    // text value of the inference rows: on a 1 M-row file with one text column that was
    // about a third of the load. Instead: read the inference rows without it, decide per
    // text column from its values (one failed value settles it), and read the file once with
    // the date columns declared.
    // The sample reader gets only the first lines: with `n_rows` alone polars-io still goes
    // over the whole file (~130 ms of 1 M rows natively).
    let head = head_rows(bytes, infer_rows.saturating_add(1), quote);
    let temporal = match options(false).with_n_rows(Some(infer_rows)).into_reader_with_file_handle(Cursor::new(head)).finish() {
        Ok(sample) => temporal_columns(&sample),
        // Let polars-io read it its own way (and report what is wrong with it).
        Err(_) => return read(options(true)),
    };
    if temporal.is_empty() {
        return read(options(false));
    }
    match read(options(false).with_schema_overwrite(Some(Arc::new(temporal)))) {
        Ok(df) => Ok(df),
        // A value past the sampled rows is not a date: the column stays text.
        Err(_) => read(options(false)),
    }
}

/// The bytes up to the end of the `rows`-th line (a line end outside quotes), or all of them.
fn head_rows(bytes: &[u8], rows: usize, quote: Option<u8>) -> &[u8] {
    let mut in_quotes = false;
    let mut seen = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if Some(b) == quote {
            in_quotes = !in_quotes;
        } else if b == b'\n' && !in_quotes {
            seen += 1;
            if seen >= rows {
                return bytes.get(..=i).unwrap_or(bytes);
            }
        }
    }
    bytes
}

/// Text columns of `sample` whose every value reads as the same kind of ISO-like date, time
/// or datetime, with the type polars-io's inference would give them (Date; Datetime(µs),
/// Datetime(µs, UTC) for a trailing offset or Z; Time).
fn temporal_columns(sample: &DataFrame) -> Schema {
    sample
        .get_columns()
        .iter()
        .filter_map(|c| {
            let ca = c.str().ok()?;
            temporal_type(ca).map(|dt| (c.name().clone(), dt))
        })
        .collect()
}

fn pattern_type(p: Pattern) -> DataType {
    match p {
        Pattern::DateDMY | Pattern::DateYMD => DataType::Date,
        Pattern::DatetimeDMY | Pattern::DatetimeYMD => DataType::Datetime(TimeUnit::Microseconds, None),
        Pattern::DatetimeYMDZ => DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        Pattern::Time => DataType::Time,
    }
}

/// The temporal type of a text column, or None. The first value picks the pattern (as the
/// reader does); every other value must parse with that pattern's parser (so the full read
/// cannot fail on the sampled rows) and infer to the same type on its own (polars-io's rule:
/// mixed dates and datetimes stay text). The second check is memoised per shape (digits
/// folded), so a date column costs one parse per value, a text column one failed value.
fn temporal_type(ca: &StringChunked) -> Option<DataType> {
    let mut values = ca.iter().flatten();
    let first = values.next()?;
    let pattern = infer_pattern_single(first)?;
    let dtype = pattern_type(pattern);
    let mut shapes: Vec<(Vec<u8>, bool)> = Vec::new();
    let mut same_type = |v: &str| {
        let shape: Vec<u8> = v.bytes().map(|b| if b.is_ascii_digit() { b'9' } else { b }).collect();
        if let Some((_, ok)) = shapes.iter().find(|(s, _)| *s == shape) {
            return *ok;
        }
        let ok = infer_pattern_single(v).map(pattern_type).as_ref() == Some(&dtype);
        shapes.push((shape, ok));
        ok
    };
    if !same_type(first) {
        return None;
    }
    let all = match &dtype {
        DataType::Date => {
            let mut p = DatetimeInfer::<Int32Type>::try_from_with_unit(pattern, None).ok()?;
            values.all(|v| p.parse(v).is_some() && same_type(v))
        }
        DataType::Datetime(tu, _) => {
            let mut p = DatetimeInfer::<Int64Type>::try_from_with_unit(pattern, Some(*tu)).ok()?;
            values.all(|v| p.parse(v).is_some() && same_type(v))
        }
        // Time columns are read as text and cast (`as_time` sniffs the format): each value
        // must infer as a time on its own.
        _ => values.all(|v| infer_pattern_single(v) == Some(Pattern::Time)),
    };
    all.then_some(dtype)
}

/// Parquet, after checking the footer's column-chunk byte ranges against the file: polars-io
/// 0.51 slices the file by them unchecked, and a damaged footer would panic (found by fuzzing).
fn read_parquet(bytes: &[u8]) -> PolarsResult<DataFrame> {
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let len = bytes.len() as u64;
    let metadata = reader.get_metadata()?.clone();
    for group in &metadata.row_groups {
        for range in group.byte_ranges_iter() {
            if range.start > range.end || range.end > len {
                polars_bail!(ComputeError: "a column chunk points at bytes {}..{}, outside the {}-byte file", range.start, range.end, len);
            }
        }
        let full = group.full_byte_range();
        if full.start > full.end || full.end > len {
            polars_bail!(ComputeError: "a row group points at bytes {}..{}, outside the {}-byte file", full.start, full.end, len);
        }
    }
    // The reader reserves each column at the value count the footer declares; what those values
    // take (as the vendored polars-parquet charges each page) must fit what the memory budget has
    // left before anything is reserved. A negative count was cast to a usize near 2^64.
    let mut declared = 0usize;
    for column in metadata.row_groups.iter().flat_map(|g| g.parquet_columns()) {
        let Ok(values) = usize::try_from(column.num_values()) else {
            polars_bail!(ComputeError: "a column chunk declares a negative number of values")
        };
        let width = polars_parquet::arrow::read::decoded_value_width(column.physical_type());
        declared = declared.saturating_add(values.saturating_mul(width + 1));
    }
    if declared > ipc_read::decompression_allowance_left() {
        // marks the allowance exceeded: the caller reports TOO_LARGE
        ipc_read::take_decompression_allowance(declared);
        polars_bail!(ComputeError: "the file's columns declare {declared} bytes of values");
    }
    // decoded on this thread, where the decompression allowance is set (wasm has one anyway)
    reader.read_parallel(ParallelStrategy::None).finish()
}

/// Deepest nesting of arrays and objects a JSON input may have. The JSON reader recurses once
/// per level: a few hundred thousand levels (a few hundred kB of brackets) overflow the stack,
/// which natively kills the process and in wasm traps the instance. Tables hold nested values
/// as struct and list columns; 64 levels is far beyond any useful table.
pub const MAX_JSON_DEPTH: usize = 64;

/// Refuses JSON that nests deeper than [`MAX_JSON_DEPTH`], from one pass over the bytes
/// (brackets inside strings do not count).
fn check_json_depth(bytes: &[u8]) -> Result<()> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(Error::new(
                        ErrorCode::BadFile,
                        format!("This JSON nests arrays or objects more than {MAX_JSON_DEPTH} levels deep."),
                        format!("Tables can hold nested values up to {MAX_JSON_DEPTH} levels deep; flatten the data before loading it."),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn read_json(bytes: &[u8], fmt: JsonFormat, opts: &ReadOptions) -> PolarsResult<DataFrame> {
    let rows = NonZeroUsize::new(opts.infer_rows.unwrap_or(DEFAULT_INFER_ROWS).max(1));
    let mut reader = JsonReader::new(Cursor::new(bytes)).with_json_format(fmt);
    if let Some(n) = rows {
        reader = reader.infer_schema_len(Some(n));
    }
    reader.finish()
}

/// Turns text columns whose every value is an ISO date (or datetime) into Date (Datetime).
/// Columns that do not parse completely stay text: nothing is silently nulled.
fn infer_temporal_strings(df: DataFrame) -> DataFrame {
    let candidates: Vec<(PlSmallStr, bool)> = df
        .get_columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .filter_map(|c| {
            let ca = c.as_materialized_series().str().ok()?;
            let first = ca.iter().flatten().next()?;
            let b = first.as_bytes();
            let looks_like_date = b.len() >= 10
                && b.iter().take(4).all(u8::is_ascii_digit)
                && b.get(4) == Some(&b'-')
                && b.get(7) == Some(&b'-');
            looks_like_date.then(|| (c.name().clone(), b.len() > 10))
        })
        .collect();
    let mut out = df;
    for (name, has_time) in candidates {
        // Inferred first; then the ISO forms inference misses (JS `Date.toJSON()` ends in 'Z').
        // Instants with 'Z' are kept as naive UTC datetimes.
        let formats: &[Option<&str>] = if has_time {
            &[None, Some("%Y-%m-%dT%H:%M:%S%.fZ"), Some("%Y-%m-%dT%H:%M:%SZ"), Some("%Y-%m-%d %H:%M:%S%.f")]
        } else {
            &[None, Some("%Y-%m-%d")]
        };
        for format in formats {
            let opts = StrptimeOptions { format: format.map(PlSmallStr::from), strict: true, exact: true, cache: true };
            let expr = if has_time {
                col(name.clone()).str().to_datetime(Some(TimeUnit::Milliseconds), None, opts, lit("raise"))
            } else {
                col(name.clone()).str().to_date(opts)
            };
            // Keep the column as text when any value fails to parse.
            if let Ok(parsed) = out.clone().lazy().with_column(expr).collect() {
                let before = out.column(&name).map(|c| c.null_count()).unwrap_or(0);
                let after = parsed.column(&name).map(|c| c.null_count()).unwrap_or(usize::MAX);
                if before == after {
                    out = parsed;
                    break;
                }
            }
        }
    }
    out
}

/// Polars turns each Arrow IPC column into a Series with an `unwrap` (polars-core
/// `From<RecordBatch> for DataFrame`), and polars-arrow's reader panics on some types it
/// cannot hold; a column of such a type (a union, a decimal of more than 38 digits, a
/// decimal whose scale exceeds its precision) took the page down. Each column's type is put
/// through that same conversion first, on an empty array, from the schema alone.
fn check_ipc_columns(bytes: &[u8], format: Format) -> Result<()> {
    let mut cursor = Cursor::new(bytes);
    let schema = match format {
        Format::ArrowStream => ipc_read::read_stream_metadata(&mut cursor).map(|m| m.schema),
        _ => ipc_read::read_file_metadata(&mut cursor).map(|m| m.schema.as_ref().clone()),
    };
    // an unreadable schema is reported by the reader itself
    let Ok(schema) = schema else { return Ok(()) };
    for (name, field) in schema.iter() {
        let refused = if let Some(kind) = unbuildable(&field.dtype) {
            // polars-arrow panics building even an empty array of these
            Some(kind.to_string())
        } else {
            let empty = polars_arrow::array::new_empty_array(field.dtype.clone());
            // SAFETY: the array is built from the very type it is converted with.
            let converted = unsafe {
                Series::_try_from_arrow_unchecked_with_md(name.clone(), vec![empty], &field.dtype, field.metadata.as_deref())
            };
            converted.err().map(|e| short_detail(&e.to_string()))
        };
        if let Some(detail) = refused {
            return Err(Error::new(
                ErrorCode::BadFile,
                format!("This {} has a column insightflow cannot hold: {:?} ({detail}).", format.file_noun(), name.as_str()),
                "Convert that column to a supported type (numbers, text, dates and times, decimals up to 38 digits, lists, structs) before exporting, or leave it out.",
            ));
        }
    }
    Ok(())
}

/// Types polars-arrow cannot build an array of (even an empty one panics), anywhere in a
/// column's type: 256-bit decimals, intervals (their primitive types have no array), zero-width
/// fixed-size binary, maps whose entries are not key/value structs, decimals whose scale exceeds
/// their precision or of more than 38 digits (inside a list or struct). Unions are built but
/// refused by polars-core's conversion, which reports them.
pub(crate) fn unbuildable(dtype: &ArrowDataType) -> Option<&'static str> {
    match dtype {
        ArrowDataType::Decimal256(..) => Some("a 256-bit decimal"),
        // polars-core refuses these at the top level but unwraps the refusal inside a list
        ArrowDataType::Decimal(precision, scale) if scale > precision => Some("a decimal with more decimal places than digits"),
        // the same inside a struct or list (found by a 4 KB ingest run)
        ArrowDataType::Decimal(precision, _) if *precision > 38 => Some("a decimal of more than 38 digits"),
        ArrowDataType::Interval(_) => Some("an interval"),
        ArrowDataType::FixedSizeBinary(0) => Some("a zero-width binary"),
        ArrowDataType::Map(f, _) => match &f.dtype {
            ArrowDataType::Struct(entries) if entries.len() == 2 => entries.iter().find_map(|e| unbuildable(&e.dtype)),
            _ => Some("a map without key/value entries"),
        },
        ArrowDataType::List(f) | ArrowDataType::LargeList(f) | ArrowDataType::FixedSizeList(f, _) => unbuildable(&f.dtype),
        ArrowDataType::Struct(fields) => fields.iter().find_map(|f| unbuildable(&f.dtype)),
        ArrowDataType::Union(u) => u.fields.iter().find_map(|f| unbuildable(&f.dtype)),
        ArrowDataType::Dictionary(_, inner, _) => unbuildable(inner),
        ArrowDataType::Extension(ext) => unbuildable(&ext.inner),
        _ => None,
    }
}

fn unpacks_too_large(format: Format, memory_left: usize) -> Error {
    Error::new(
        ErrorCode::TooLarge,
        format!(
            "This {} unpacks to more than the {:.0} MB of memory this page may still use.",
            format.file_noun(),
            memory_left as f64 / 1e6
        ),
        "Drop tables you no longer need, load a smaller extract, or query the data where it lives with a remote engine.",
    )
}

fn check_columns(df: &DataFrame, format: Format) -> Result<()> {
    if df.width() == 0 {
        return Err(Error::new(
            ErrorCode::BadFile,
            format!("No columns were found in this {} data.", format.name()),
            "Check that the file has a header row or named fields.",
        ));
    }
    Ok(())
}

fn bad_file(format: Format, err: &PolarsError, bytes: &[u8]) -> Error {
    let detail = short_detail(&err.to_string());
    // The bytes may be fine but declared as the wrong format: say which one they look like.
    if let Ok(actual) = sniff(bytes) {
        if actual != format && !matches!((format, actual), (Format::Csv, Format::Tsv) | (Format::Tsv, Format::Csv)) {
            return Error::new(
                ErrorCode::BadFile,
                format!("This file could not be read as {}: it looks like {}.", format.name(), actual.name()),
                format!("Leave the format out to detect it, or pass format '{}'.", actual.option_name()),
            );
        }
    }
    // Arrow allows two columns of one name (e.g. a pandas frame with a repeated column); a
    // table cannot hold them (vendored polars-arrow refuses the schema, see vendor/README.md).
    if let Some(name) = detail.split("names the field ").nth(1).and_then(|r| r.strip_suffix(" twice")) {
        return Error::new(
            ErrorCode::BadFile,
            format!("This {} has two columns named {name}.", format.file_noun()),
            "Column names must be unique: rename or drop one of them before exporting the file.",
        );
    }
    // Arrow layouts polars-arrow cannot read (vendored patch: these were `todo!()` panics).
    for kind in ["run-end encoded", "list-view"] {
        if detail.contains(&format!("{kind} columns are not supported")) {
            return Error::new(
                ErrorCode::BadFile,
                format!("This {} has {kind} columns, which insightflow cannot hold.", format.file_noun()),
                "Decode them to plain columns before exporting (in pyarrow: pyarrow.compute.run_end_decode, or cast list views to lists), or leave them out.",
            );
        }
    }
    // Nested columns past the readers' depth limits (vendored patches; deeper ones overflowed
    // the stack).
    if detail.contains("levels deep") {
        return Error::new(
            ErrorCode::BadFile,
            format!("This {} nests lists or structs too deeply to read.", format.file_noun()),
            "Columns can nest lists and structs up to 64 levels deep; flatten the deeper ones before exporting the file.",
        );
    }
    let hint = match format {
        Format::Csv | Format::Tsv => "Check that it is a text file with one row per line and the same separator throughout, or pass {delimiter, header} options.",
        Format::Json => "JSON must be an array of objects, e.g. [{\"a\": 1}, {\"a\": 2}]; for one object per line use format 'ndjson'.",
        Format::Ndjson => "NDJSON must have one JSON object per line.",
        Format::Parquet => "The Parquet file may be truncated or damaged; try exporting it again.",
        Format::Arrow | Format::ArrowStream => "The Arrow file may be truncated or damaged; try exporting it again.",
    };
    Error::new(
        ErrorCode::BadFile,
        format!("This file could not be read as {}.", format.name()),
        format!("{hint} (Reader said: {detail})"),
    )
}

#[cfg(test)]
mod tests;
