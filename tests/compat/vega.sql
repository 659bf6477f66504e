-- SQL compatibility corpus over npm vega-datasets 2.x: analytics queries written the way
-- people write them for DuckDB / PostgreSQL. Entries start with `-- name: <id>`;
-- `-- ordered` marks a query whose ORDER BY is total (rows compared in order).
-- Tables: cars, weather (seattle-weather), stocks, movies, airports, flights (flights-5k),
-- gapminder, penguins, barley, population, iowa (iowa-electricity), jobs.

-- ===== aggregation and grouping =====

-- name: cars_count
SELECT COUNT(*) AS n FROM cars;

-- name: cars_by_origin
-- ordered
SELECT Origin, COUNT(*) AS n, AVG(Horsepower) AS avg_hp FROM cars GROUP BY Origin ORDER BY Origin;

-- name: cars_unaliased_aggregates
-- ordered
SELECT Origin, AVG(Miles_per_Gallon), MIN(Weight_in_lbs), MAX(Weight_in_lbs), COUNT(*) FROM cars GROUP BY Origin ORDER BY Origin;

-- name: cars_count_nulls
SELECT COUNT(*) AS n, COUNT(Horsepower) AS with_hp, COUNT(Miles_per_Gallon) AS with_mpg FROM cars;

-- name: cars_two_keys
-- ordered
SELECT Origin, Cylinders, COUNT(*) AS n FROM cars GROUP BY Origin, Cylinders ORDER BY Origin, Cylinders;

-- name: cars_group_by_ordinals
-- ordered
SELECT Origin, Cylinders, COUNT(*) AS n FROM cars GROUP BY 1, 2 ORDER BY 1, 2;

-- name: cars_group_by_case_alias
-- ordered
SELECT CASE WHEN Horsepower >= 150 THEN 'high' WHEN Horsepower >= 100 THEN 'mid' ELSE 'low' END AS power, COUNT(*) AS n
FROM cars GROUP BY power ORDER BY power;

-- name: cars_group_by_expression
-- ordered
SELECT Cylinders * 100 AS c100, COUNT(*) AS n FROM cars GROUP BY Cylinders * 100 ORDER BY c100;

-- name: cars_group_by_expression_ordinal
-- ordered
SELECT UPPER(Origin) AS o, COUNT(*) AS n FROM cars GROUP BY 1 ORDER BY 1;

-- name: cars_group_by_unaliased_expression
-- ordered
SELECT Cylinders + 1, COUNT(*) FROM cars GROUP BY Cylinders + 1 ORDER BY 1;

-- name: cars_group_by_extract
-- ordered
SELECT EXTRACT(YEAR FROM Year) AS model_year, COUNT(*) AS n, AVG(Miles_per_Gallon) AS mpg
FROM cars GROUP BY EXTRACT(YEAR FROM Year) ORDER BY model_year;

-- name: cars_group_by_extract_alias
-- ordered
SELECT EXTRACT(year FROM "Year") AS y, Origin, AVG(Horsepower) AS hp FROM cars GROUP BY y, Origin ORDER BY y, Origin;

-- name: cars_having_alias
-- ordered
SELECT Origin, AVG(Horsepower) AS hp FROM cars GROUP BY Origin HAVING hp > 80 ORDER BY Origin;

-- name: cars_having_unselected_aggregate
-- ordered
SELECT Origin FROM cars GROUP BY Origin HAVING SUM(Weight_in_lbs) > 300000 ORDER BY Origin;

-- name: cars_having_count
-- ordered
SELECT Cylinders, COUNT(*) AS n FROM cars GROUP BY Cylinders HAVING COUNT(*) >= 10 ORDER BY Cylinders;

-- name: cars_having_two_conditions
-- ordered
SELECT Origin AS o FROM cars GROUP BY o HAVING MIN(Acceleration) < 10 OR MAX(Acceleration) > 24 ORDER BY o;

-- name: cars_order_by_aggregate
-- ordered
SELECT Origin, COUNT(*) AS n FROM cars GROUP BY Origin ORDER BY COUNT(*) DESC;

-- name: cars_order_by_unselected_aggregate
-- ordered
SELECT Origin FROM cars GROUP BY Origin ORDER BY AVG(Weight_in_lbs) DESC;

-- name: cars_ratio_of_aggregates
SELECT Origin, SUM(Horsepower) / COUNT(Horsepower) AS hp_avg, SUM(Weight_in_lbs) * 1.0 / COUNT(*) AS w FROM cars GROUP BY Origin;

-- name: cars_median_quantile
-- ordered
SELECT Origin, MEDIAN(Horsepower), QUANTILE_CONT(Horsepower, 0.9) FROM cars GROUP BY Origin ORDER BY Origin;

-- name: cars_stddev_variance
SELECT Origin, STDDEV(Miles_per_Gallon) AS sd, VARIANCE(Miles_per_Gallon) AS var FROM cars GROUP BY Origin;

-- name: cars_population_stddev
SELECT STDDEV_POP(Acceleration) AS sd, VAR_POP(Acceleration) AS v FROM cars;

-- name: cars_count_distinct
SELECT COUNT(DISTINCT Cylinders) AS c, COUNT(DISTINCT Origin) AS o FROM cars;

-- name: cars_filter_clause
SELECT Origin, COUNT(*) FILTER (WHERE Cylinders = 4) AS four, COUNT(*) FILTER (WHERE Cylinders = 8) AS eight FROM cars GROUP BY Origin;

-- name: cars_sum_case
SELECT Origin, SUM(CASE WHEN Cylinders >= 6 THEN 1 ELSE 0 END) AS big FROM cars GROUP BY Origin;

-- name: cars_count_if
SELECT COUNT_IF(Horsepower > 150) AS strong FROM cars;

-- name: cars_avg_where
SELECT AVG(Miles_per_Gallon) AS mpg FROM cars WHERE Origin = 'Japan' AND Cylinders = 4;

-- name: cars_min_max_date
SELECT MIN("Year") AS first_year, MAX("Year") AS last_year FROM cars;

-- name: cars_group_by_all
-- ordered
SELECT Origin, Cylinders, COUNT(*) AS n FROM cars GROUP BY ALL ORDER BY ALL;

-- name: cars_round_avg
-- ordered
SELECT Origin, ROUND(AVG(Acceleration), 2) AS acc FROM cars GROUP BY Origin ORDER BY Origin;

-- name: cars_group_by_boolean
SELECT Horsepower > 100 AS strong, COUNT(*) AS n FROM cars GROUP BY 1;

-- name: cars_sum_no_rows
SELECT SUM(Horsepower) AS s, COUNT(*) AS n, MAX(Horsepower) AS m FROM cars WHERE Cylinders = 7;

-- name: cars_sum_all_null_group
SELECT Origin, SUM(Miles_per_Gallon) AS s FROM cars WHERE Miles_per_Gallon IS NULL GROUP BY Origin;

-- name: cars_lowercase_names
-- ordered
SELECT name, horsepower FROM cars WHERE origin = 'Japan' ORDER BY horsepower DESC NULLS LAST, name LIMIT 3;

-- ===== filtering, ordering, expressions =====

-- name: cars_top_n
-- ordered
SELECT Name, Horsepower FROM cars WHERE Horsepower IS NOT NULL ORDER BY Horsepower DESC, Name LIMIT 5;

-- name: cars_desc_nulls_default
SELECT Name, Miles_per_Gallon FROM cars ORDER BY Miles_per_Gallon DESC LIMIT 3;

-- name: cars_nulls_first
-- ordered
SELECT Name, Horsepower FROM cars ORDER BY Horsepower NULLS FIRST, Name LIMIT 8;

-- name: cars_limit_offset
SELECT Name, Weight_in_lbs FROM cars ORDER BY Weight_in_lbs, Name LIMIT 5 OFFSET 10;

-- name: cars_distinct
SELECT DISTINCT Origin, Cylinders FROM cars;

-- name: cars_like
SELECT COUNT(*) AS n FROM cars WHERE Name LIKE 'ford%';

-- name: cars_ilike
SELECT COUNT(*) AS n FROM cars WHERE Name ILIKE '%CHEVROLET%';

-- name: cars_not_like
SELECT COUNT(*) AS n FROM cars WHERE Name NOT LIKE '%ford%';

-- name: cars_in_list
SELECT Cylinders, COUNT(*) AS n FROM cars WHERE Cylinders IN (4, 6) GROUP BY Cylinders;

-- name: cars_between
SELECT COUNT(*) AS n FROM cars WHERE Weight_in_lbs BETWEEN 2000 AND 3000;

-- name: cars_not_between
SELECT COUNT(*) AS n FROM cars WHERE Acceleration NOT BETWEEN 10 AND 20;

-- name: cars_is_null
SELECT Name FROM cars WHERE Horsepower IS NULL;

-- name: cars_coalesce
SELECT Name, COALESCE(Horsepower, 0) AS hp FROM cars WHERE Miles_per_Gallon IS NULL;

-- name: cars_coalesce_three
SELECT Name, COALESCE(Miles_per_Gallon, Horsepower * 0.1, 0) AS x FROM cars WHERE Miles_per_Gallon IS NULL;

-- name: cars_nullif
SELECT AVG(NULLIF(Horsepower, 88)) AS hp FROM cars;

-- name: cars_is_distinct_from
SELECT COUNT(*) AS n FROM cars WHERE Horsepower IS DISTINCT FROM 150;

-- name: cars_or_conditions
SELECT COUNT(*) AS n FROM cars WHERE (Origin = 'Japan' AND Cylinders = 6) OR (Origin = 'Europe' AND Cylinders = 5);

-- name: cars_case_in_where
SELECT COUNT(*) AS n FROM cars WHERE CASE WHEN Origin = 'USA' THEN Horsepower > 150 ELSE Horsepower > 100 END;

-- name: cars_string_functions
SELECT UPPER(Name) AS u, LOWER(Origin) AS l, LENGTH(Name) AS len, SUBSTR(Name, 1, 5) AS s FROM cars WHERE Cylinders = 3;

-- name: cars_concat_operator
SELECT Name || ' (' || Origin || ')' AS label FROM cars WHERE Cylinders = 5;

-- name: cars_concat_ws
SELECT CONCAT_WS('-', Origin, Cylinders) AS k, COUNT(*) AS n FROM cars GROUP BY 1;

-- name: cars_split_part_make
-- ordered
SELECT SPLIT_PART(Name, ' ', 1) AS make, COUNT(*) AS n FROM cars GROUP BY make ORDER BY n DESC, make LIMIT 10;

-- name: cars_left_prefix
-- ordered
SELECT LEFT(Name, 4) AS p, COUNT(*) FROM cars GROUP BY 1 HAVING COUNT(*) > 15 ORDER BY 1;

-- name: cars_replace
SELECT REPLACE(Name, 'chevrolet', 'chevy') AS n FROM cars WHERE Name LIKE 'chevrolet c%';

-- name: cars_strpos
SELECT Name, STRPOS(Name, ' ') AS sp FROM cars WHERE Origin = 'Europe' AND Cylinders = 6;

-- name: cars_starts_with
SELECT COUNT(*) AS n FROM cars WHERE STARTS_WITH(Name, 'toyota');

-- name: cars_regexp_matches
SELECT COUNT(*) AS n FROM cars WHERE REGEXP_MATCHES(Name, '^(ford|chevrolet) ');

-- name: cars_cast_to_integer
-- ordered
SELECT CAST(Acceleration AS INTEGER) AS a, COUNT(*) AS n FROM cars GROUP BY 1 ORDER BY 1;

-- name: cars_cast_to_varchar
SELECT CAST(Cylinders AS VARCHAR) || ' cyl' AS c, COUNT(*) AS n FROM cars GROUP BY 1;

-- name: cars_double_colon_cast
SELECT Cylinders::DOUBLE / 3 AS third, Weight_in_lbs::VARCHAR AS w FROM cars WHERE Name = 'ford pinto' AND Cylinders = 6;

-- name: cars_division
SELECT Name, Weight_in_lbs / 1000 AS tons FROM cars WHERE Name LIKE 'ford pinto%';

-- name: cars_integer_division_operator
SELECT Weight_in_lbs // 1000 AS t, COUNT(*) AS n FROM cars GROUP BY 1;

-- name: cars_modulo
SELECT Cylinders % 4 AS r, COUNT(*) AS n FROM cars GROUP BY 1;

-- name: cars_math_functions
SELECT Name, SQRT(Displacement) AS s, POWER(Cylinders, 2) AS p, ABS(Acceleration - 15) AS d, LN(Weight_in_lbs) AS l FROM cars WHERE Origin = 'Japan' AND Cylinders = 6;

-- name: cars_greatest_least
SELECT Name, GREATEST(Cylinders * 50, Displacement) AS g, LEAST(Horsepower, 90) AS l FROM cars WHERE Origin = 'Europe' AND Weight_in_lbs > 3000;

-- name: cars_simple_case
SELECT CASE Origin WHEN 'USA' THEN 'domestic' ELSE 'import' END AS market, COUNT(*) AS n FROM cars GROUP BY 1;

-- name: cars_case_without_else
SELECT Name, CASE WHEN Horsepower > 200 THEN 'muscle' END AS tag FROM cars WHERE Cylinders = 8 AND Weight_in_lbs > 4500;

-- name: cars_constant_expressions
SELECT 1 + 2 AS three, 'abc' AS s, 2.5 * 2 AS f, 7 / 2 AS half, 7 // 2 AS idiv;

-- name: cars_date_cast
SELECT CAST('2020-02-29' AS DATE) AS d, CAST("Year" AS VARCHAR) AS y FROM cars WHERE Name = 'amc rebel sst';

-- ===== subqueries =====

-- name: cars_scalar_subquery_where
SELECT Name, Horsepower FROM cars WHERE Horsepower > (SELECT AVG(Horsepower) * 1.8 FROM cars);

-- name: cars_scalar_subquery_max
SELECT Name FROM cars WHERE Weight_in_lbs = (SELECT MAX(Weight_in_lbs) FROM cars);

-- name: cars_scalar_subquery_select
SELECT Origin, COUNT(*) * 100.0 / (SELECT COUNT(*) FROM cars) AS pct FROM cars GROUP BY Origin;

-- name: cars_correlated_avg
SELECT Name, Origin, Horsepower FROM cars c WHERE Horsepower > (SELECT AVG(Horsepower) + 60 FROM cars c2 WHERE c2.Origin = c.Origin);

-- name: cars_correlated_max
SELECT Origin, Name, Weight_in_lbs FROM cars a WHERE Weight_in_lbs = (SELECT MAX(Weight_in_lbs) FROM cars b WHERE b.Origin = a.Origin);

-- name: cars_correlated_count
SELECT Name, (SELECT COUNT(*) FROM cars b WHERE b.Origin = a.Origin AND b.Cylinders = 3) AS rotary_peers FROM cars a WHERE a.Name LIKE 'mazda rx%';

-- name: cars_exists
SELECT DISTINCT Origin FROM cars a WHERE EXISTS (SELECT 1 FROM cars b WHERE b.Origin = a.Origin AND b.Cylinders = 3);

-- name: cars_not_exists
SELECT DISTINCT Cylinders FROM cars a WHERE NOT EXISTS (SELECT 1 FROM cars b WHERE b.Cylinders = a.Cylinders AND b.Origin = 'USA');

-- name: cars_uncorrelated_exists
SELECT COUNT(*) AS n FROM cars WHERE EXISTS (SELECT 1 FROM cars WHERE Cylinders = 3);

-- name: cars_in_subquery_having
SELECT COUNT(*) AS n FROM cars WHERE Origin IN (SELECT Origin FROM cars GROUP BY Origin HAVING COUNT(*) < 100);

-- name: cars_not_in_subquery
SELECT COUNT(*) AS n FROM cars WHERE Cylinders NOT IN (SELECT Cylinders FROM cars WHERE Origin = 'Japan');

-- name: cars_cte
WITH per AS (SELECT Origin, AVG(Miles_per_Gallon) AS mpg FROM cars GROUP BY Origin) SELECT Origin, mpg FROM per WHERE mpg > 25;

-- name: cars_two_ctes_cross_join
WITH a AS (SELECT Origin, COUNT(*) AS n FROM cars GROUP BY Origin), b AS (SELECT SUM(n) AS total FROM a)
SELECT a.Origin, a.n * 1.0 / b.total AS share FROM a, b;

-- name: cars_derived_table
SELECT o, n FROM (SELECT Origin AS o, COUNT(*) AS n FROM cars GROUP BY Origin) t WHERE n > 75;

-- name: cars_nested_ctes
-- ordered
WITH a AS (SELECT * FROM cars WHERE Origin = 'USA'), b AS (SELECT Cylinders, COUNT(*) AS n FROM a GROUP BY Cylinders)
SELECT * FROM b WHERE n > 10 ORDER BY Cylinders;

-- name: cars_join_derived_tables
SELECT c.Origin, c.n, w.avg_w FROM (SELECT Origin, COUNT(*) AS n FROM cars GROUP BY Origin) c
JOIN (SELECT Origin, AVG(Weight_in_lbs) AS avg_w FROM cars GROUP BY Origin) w ON c.Origin = w.Origin;

-- ===== set operations =====

-- name: cars_union_all
SELECT 'light' AS class, COUNT(*) AS n FROM cars WHERE Weight_in_lbs < 2500
UNION ALL SELECT 'heavy', COUNT(*) FROM cars WHERE Weight_in_lbs >= 2500;

-- name: cars_union_order_by
-- ordered
SELECT Origin FROM cars WHERE Cylinders = 4 UNION SELECT Origin FROM cars WHERE Cylinders = 8 ORDER BY Origin;

-- name: cars_except
SELECT Cylinders FROM cars EXCEPT SELECT Cylinders FROM cars WHERE Origin = 'USA';

-- name: cars_intersect
SELECT Cylinders FROM cars WHERE Origin = 'Japan' INTERSECT SELECT Cylinders FROM cars WHERE Origin = 'Europe';

-- name: tables_union_all_ordered
-- ordered
SELECT 'cars' AS t, COUNT(*) AS n FROM cars UNION ALL SELECT 'weather', COUNT(*) FROM weather UNION ALL SELECT 'stocks', COUNT(*) FROM stocks ORDER BY n;

-- name: values_table
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name);

-- ===== window functions =====

-- name: cars_row_number
SELECT Name, Weight_in_lbs, ROW_NUMBER() OVER (ORDER BY Weight_in_lbs DESC) AS rn FROM cars WHERE Weight_in_lbs > 4900;

-- name: cars_rank_per_origin_qualify
SELECT Origin, Name, Horsepower, RANK() OVER (PARTITION BY Origin ORDER BY Horsepower DESC) AS r
FROM cars WHERE Horsepower IS NOT NULL QUALIFY r <= 2;

-- name: cars_dense_rank_after_group_by
SELECT Cylinders, COUNT(*) AS n, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS d FROM cars GROUP BY Cylinders;

-- name: cars_top_per_group_subquery
SELECT * FROM (SELECT Origin, Name, Weight_in_lbs, ROW_NUMBER() OVER (PARTITION BY Origin ORDER BY Weight_in_lbs DESC, Name) AS rn FROM cars) t WHERE rn = 1;

-- name: cars_share_of_total_window
SELECT Origin, COUNT(*) AS n, COUNT(*) * 1.0 / SUM(COUNT(*)) OVER () AS share FROM cars GROUP BY Origin;

-- name: cars_diff_from_partition_avg
SELECT Name, Origin, Horsepower - AVG(Horsepower) OVER (PARTITION BY Origin) AS diff FROM cars WHERE Cylinders = 3;

-- name: cars_ntile_buckets
-- ordered
SELECT q, COUNT(*) AS n, MIN(Weight_in_lbs) AS lo, MAX(Weight_in_lbs) AS hi
FROM (SELECT Weight_in_lbs, NTILE(4) OVER (ORDER BY Weight_in_lbs) AS q FROM cars) t GROUP BY q ORDER BY q;

-- name: cars_percent_rank
SELECT Name, Weight_in_lbs, PERCENT_RANK() OVER (ORDER BY Weight_in_lbs) AS pr FROM cars WHERE Origin = 'Europe' AND Cylinders = 4 AND Weight_in_lbs > 2600;

-- name: cars_cume_dist_grouped
SELECT Cylinders, CUME_DIST() OVER (ORDER BY Cylinders) AS cd FROM cars GROUP BY Cylinders;

-- name: cars_count_over_partition
SELECT Origin, Name, COUNT(*) OVER (PARTITION BY Origin) AS n FROM cars WHERE Cylinders = 5;

-- name: cars_window_in_cte_then_filter
WITH r AS (SELECT Name, Origin, Weight_in_lbs, RANK() OVER (PARTITION BY Origin ORDER BY Weight_in_lbs) AS r FROM cars)
SELECT Origin, COUNT(*) AS lightest FROM r WHERE r = 1 GROUP BY Origin;

-- ===== dates (seattle weather) =====

-- name: weather_by_type
-- ordered
SELECT weather, COUNT(*) AS days FROM weather GROUP BY weather ORDER BY days DESC;

-- name: weather_monthly_date_trunc
-- ordered
SELECT DATE_TRUNC('month', date) AS month, AVG(temp_max) AS t FROM weather GROUP BY 1 ORDER BY 1 LIMIT 12;

-- name: weather_yearly_extract
-- ordered
SELECT EXTRACT(YEAR FROM date) AS yr, SUM(precipitation) AS rain FROM weather GROUP BY yr ORDER BY yr;

-- name: weather_date_part_month
-- ordered
SELECT DATE_PART('month', date) AS m, AVG(temp_max) FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_year_month_functions
-- ordered
SELECT YEAR(date) AS y, MONTH(date) AS m, MAX(temp_max) AS hi FROM weather GROUP BY y, m ORDER BY y, m LIMIT 6;

-- name: weather_strftime_filter
-- ordered
SELECT STRFTIME(date, '%Y-%m') AS ym, COUNT(*) FILTER (WHERE weather = 'rain') AS rainy FROM weather GROUP BY ym ORDER BY ym LIMIT 6;

-- name: weather_day_of_week
-- ordered
SELECT DAYOFWEEK(date) AS dow, AVG(precipitation) AS p FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_dayname
SELECT DAYNAME(date) AS d, COUNT(*) AS n FROM weather GROUP BY 1;

-- name: weather_monthname
SELECT MONTHNAME(date) AS m, ROUND(AVG(temp_min), 3) AS tmin FROM weather GROUP BY 1;

-- name: weather_quarter
-- ordered
SELECT QUARTER(date) AS q, SUM(precipitation) AS p FROM weather GROUP BY q ORDER BY q;

-- name: weather_weekly_date_trunc
-- ordered
SELECT DATE_TRUNC('week', date) AS wk, SUM(precipitation) AS p FROM weather WHERE date < DATE '2012-03-01' GROUP BY 1 ORDER BY 1;

-- name: weather_yearly_date_trunc
-- ordered
SELECT DATE_TRUNC('year', date) AS y, COUNT(*) AS n FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_quarterly_date_trunc
-- ordered
SELECT DATE_TRUNC('quarter', date) AS q, MAX(wind) AS w FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_string_date_range
SELECT COUNT(*) AS n FROM weather WHERE date >= '2014-01-01' AND date < '2015-01-01';

-- name: weather_string_date_reversed
SELECT COUNT(*) AS n FROM weather WHERE '2013-06-30' >= date;

-- name: weather_between_string_dates
SELECT SUM(precipitation) AS p FROM weather WHERE date BETWEEN '2015-06-01' AND '2015-08-31';

-- name: weather_typed_date_literal
SELECT COUNT(*) AS n FROM weather WHERE date > DATE '2015-12-01';

-- name: weather_interval_days
-- ordered
SELECT date, date + INTERVAL 7 DAY AS next_week FROM weather WHERE date < DATE '2012-01-04' ORDER BY date;

-- name: weather_interval_months
SELECT COUNT(*) AS n FROM weather WHERE date >= DATE '2015-12-31' - INTERVAL '3 months';

-- name: weather_interval_year_field
SELECT COUNT(*) AS n FROM weather WHERE date < DATE '2012-01-01' + INTERVAL '1' YEAR;

-- name: weather_date_diff_days
SELECT DATE_DIFF('day', DATE '2012-01-01', MAX(date)) AS days FROM weather;

-- name: weather_datediff_months
SELECT weather, DATEDIFF('month', MIN(date), MAX(date)) AS months FROM weather GROUP BY weather;

-- name: weather_before_current_date
SELECT COUNT(*) AS n FROM weather WHERE date < CURRENT_DATE;

-- name: weather_in_string_dates
-- ordered
SELECT date, weather FROM weather WHERE date IN ('2012-07-04', '2013-07-04', '2014-07-04') ORDER BY date;

-- name: weather_temperature_spread
-- ordered
SELECT weather, AVG(temp_max - temp_min) AS spread FROM weather GROUP BY weather ORDER BY spread DESC;

-- name: weather_running_total
-- ordered
SELECT date, precipitation, SUM(precipitation) OVER (ORDER BY date) AS cum FROM weather WHERE date < DATE '2012-01-11' ORDER BY date;

-- name: weather_moving_average
-- ordered
SELECT date, AVG(temp_max) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma7
FROM weather WHERE date BETWEEN DATE '2013-01-01' AND DATE '2013-01-20' ORDER BY date;

-- name: weather_lag_difference
-- ordered
SELECT date, temp_max - LAG(temp_max) OVER (ORDER BY date) AS change FROM weather WHERE date < DATE '2012-01-08' ORDER BY date;

-- name: weather_lead_default
-- ordered
SELECT date, LEAD(weather, 1, 'none') OVER (ORDER BY date) AS next FROM weather WHERE date >= DATE '2015-12-25' ORDER BY date;

-- name: weather_rank_months_cte
-- ordered
WITH m AS (SELECT DATE_TRUNC('month', date) AS month, SUM(precipitation) AS p FROM weather GROUP BY 1)
SELECT month, p, RANK() OVER (ORDER BY p DESC) AS r FROM m ORDER BY r, month LIMIT 5;

-- name: weather_hottest_day_per_year
-- ordered
SELECT YEAR(date) AS y, date, temp_max FROM weather
QUALIFY ROW_NUMBER() OVER (PARTITION BY YEAR(date) ORDER BY temp_max DESC, date) = 1 ORDER BY y;

-- name: weather_first_value
SELECT DISTINCT weather, FIRST_VALUE(date) OVER (PARTITION BY weather ORDER BY date) AS first_day FROM weather;

-- name: weather_last_value_full_frame
SELECT DISTINCT weather, LAST_VALUE(date) OVER (PARTITION BY weather ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_day FROM weather;

-- name: weather_year_to_date
-- ordered
SELECT date, SUM(precipitation) OVER (PARTITION BY YEAR(date) ORDER BY date) AS ytd FROM weather WHERE MONTH(date) = 1 AND DAY(date) <= 3 ORDER BY date;

-- name: weather_share_within_year
-- ordered
SELECT YEAR(date) AS y, weather, COUNT(*) AS n, ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (PARTITION BY YEAR(date)), 2) AS pct
FROM weather GROUP BY 1, 2 ORDER BY 1, 2;

-- name: weather_above_percentile
SELECT COUNT(*) AS n FROM weather WHERE temp_max > (SELECT QUANTILE_CONT(temp_max, 0.95) FROM weather);

-- name: weather_above_month_average_correlated
SELECT COUNT(*) AS n FROM weather w WHERE temp_max > (SELECT AVG(temp_max) FROM weather w2 WHERE MONTH(w2.date) = MONTH(w.date));

-- name: weather_temperature_bands
-- ordered
SELECT CASE WHEN temp_max < 5 THEN 'cold' WHEN temp_max < 15 THEN 'mild' WHEN temp_max < 25 THEN 'warm' ELSE 'hot' END AS band,
       COUNT(*) AS n, AVG(precipitation) AS p
FROM weather GROUP BY band ORDER BY MIN(temp_max);

-- name: weather_wind_histogram
-- ordered
SELECT FLOOR(wind) AS w, COUNT(*) AS n FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_ceil_bands
-- ordered
SELECT CEIL(temp_max / 10) AS band, COUNT(*) FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_distinct_kinds_per_year
-- ordered
SELECT YEAR(date) AS y, COUNT(DISTINCT weather) AS kinds FROM weather GROUP BY 1 ORDER BY 1;

-- name: weather_having_two_aggregates
-- ordered
SELECT weather, MAX(temp_max) AS hi FROM weather GROUP BY weather HAVING MAX(temp_max) > 30 AND COUNT(*) > 50 ORDER BY weather;

-- name: weather_self_join_previous_day
-- ordered
SELECT a.date, a.temp_max - b.temp_max AS delta FROM weather a JOIN weather b ON b.date = a.date - INTERVAL 1 DAY
WHERE a.date < DATE '2012-01-06' ORDER BY a.date;

-- name: weather_quantiles
SELECT QUANTILE_CONT(precipitation, 0.5) AS p50, QUANTILE_CONT(precipitation, 0.9) AS p90, QUANTILE_DISC(temp_max, 0.5) AS t50 FROM weather;

-- name: weather_round_average
SELECT weather, ROUND(AVG(wind), 2) AS w FROM weather GROUP BY 1;

-- name: weather_month_over_month
-- ordered
WITH m AS (SELECT DATE_TRUNC('month', date) AS month, AVG(temp_max) AS t FROM weather GROUP BY 1)
SELECT month, t - LAG(t) OVER (ORDER BY month) AS change FROM m ORDER BY month LIMIT 6;

-- name: weather_rainiest_month_per_year
-- ordered
WITH m AS (SELECT YEAR(date) AS y, MONTH(date) AS mo, SUM(precipitation) AS p FROM weather GROUP BY 1, 2)
SELECT y, mo, p FROM m QUALIFY RANK() OVER (PARTITION BY y ORDER BY p DESC) = 1 ORDER BY y;

-- ===== stocks =====

-- name: stocks_by_symbol
-- ordered
SELECT symbol, MIN(price) AS lo, MAX(price) AS hi, AVG(price) AS avg FROM stocks GROUP BY symbol ORDER BY symbol;

-- name: stocks_parse_dates
-- ordered
SELECT symbol, MIN(STRPTIME(date, '%b %d %Y')) AS first FROM stocks GROUP BY symbol ORDER BY symbol;

-- name: stocks_yearly_average
-- ordered
SELECT symbol, YEAR(STRPTIME(date, '%b %d %Y')) AS y, AVG(price) AS p FROM stocks GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 10;

-- name: stocks_monthly_return_lag
-- ordered
WITH s AS (SELECT symbol, STRPTIME(date, '%b %d %Y') AS d, price FROM stocks)
SELECT symbol, d, price / LAG(price) OVER (PARTITION BY symbol ORDER BY d) - 1 AS ret FROM s WHERE symbol = 'IBM' ORDER BY d LIMIT 5;

-- name: stocks_best_month_qualify
SELECT symbol, date, price FROM stocks QUALIFY RANK() OVER (PARTITION BY symbol ORDER BY price DESC) = 1;

-- name: stocks_above_own_average
-- ordered
SELECT symbol, COUNT(*) AS n FROM stocks s WHERE price > (SELECT AVG(price) FROM stocks t WHERE t.symbol = s.symbol) GROUP BY symbol ORDER BY symbol;

-- name: stocks_pivot_case
-- ordered
SELECT YEAR(STRPTIME(date, '%b %d %Y')) AS y, AVG(CASE WHEN symbol = 'MSFT' THEN price END) AS msft, AVG(CASE WHEN symbol = 'AAPL' THEN price END) AS aapl
FROM stocks GROUP BY 1 ORDER BY 1;

-- name: stocks_counts
SELECT COUNT(DISTINCT symbol) AS n, COUNT(*) AS rows FROM stocks;

-- name: stocks_stddev_samp
SELECT symbol, STDDEV_SAMP(price) AS sd FROM stocks GROUP BY symbol;

-- name: stocks_price_range
-- ordered
SELECT symbol, MAX(price) - MIN(price) AS range FROM stocks GROUP BY 1 ORDER BY range DESC;

-- name: stocks_running_max
-- ordered
SELECT symbol, d, MAX(price) OVER (PARTITION BY symbol ORDER BY d) AS peak
FROM (SELECT symbol, STRPTIME(date, '%b %d %Y') AS d, price FROM stocks) t WHERE symbol = 'AMZN' ORDER BY d LIMIT 8;

-- name: stocks_symbol_like
SELECT symbol, AVG(price) FROM stocks WHERE symbol LIKE 'A%' GROUP BY symbol;

-- name: stocks_year_over_year
-- ordered
WITH y AS (SELECT symbol, YEAR(STRPTIME(date, '%b %d %Y')) AS yr, AVG(price) AS p FROM stocks GROUP BY 1, 2)
SELECT symbol, yr, p / LAG(p) OVER (PARTITION BY symbol ORDER BY yr) AS growth FROM y WHERE symbol = 'GOOG' ORDER BY yr;

-- ===== movies: names with spaces, many NULLs =====

-- name: movies_by_genre
-- ordered
SELECT "Major Genre", COUNT(*) AS n FROM movies GROUP BY "Major Genre" ORDER BY n DESC, "Major Genre" NULLS LAST;

-- name: movies_top_gross
-- ordered
SELECT Title, "Worldwide Gross" FROM movies WHERE "Worldwide Gross" IS NOT NULL ORDER BY "Worldwide Gross" DESC, Title LIMIT 10;

-- name: movies_profit
SELECT Title, "Worldwide Gross" - "Production Budget" AS profit FROM movies ORDER BY profit DESC NULLS LAST LIMIT 5;

-- name: movies_ratings_by_mpaa
-- ordered
SELECT "MPAA Rating", AVG("IMDB Rating") AS imdb, AVG("Rotten Tomatoes Rating") AS rt FROM movies GROUP BY 1 ORDER BY 1 NULLS FIRST;

-- name: movies_big_distributors
-- ordered
SELECT Distributor, COUNT(*) AS films, SUM("US Gross") AS us FROM movies WHERE Distributor IS NOT NULL
GROUP BY Distributor HAVING COUNT(*) >= 100 ORDER BY films DESC, Distributor;

-- name: movies_best_directors
-- ordered
SELECT Director, AVG("IMDB Rating") AS r, COUNT(*) AS n FROM movies WHERE Director IS NOT NULL
GROUP BY Director HAVING COUNT(*) >= 8 ORDER BY r DESC, Director LIMIT 10;

-- name: movies_budget_tiers
SELECT CASE WHEN "Production Budget" >= 100000000 THEN 'blockbuster' WHEN "Production Budget" >= 20000000 THEN 'mid' ELSE 'small' END AS tier,
       COUNT(*) AS n, MEDIAN("IMDB Rating") AS r
FROM movies GROUP BY tier;

-- name: movies_genre_roi
SELECT "Major Genre", SUM("Worldwide Gross") / SUM("Production Budget") AS roi FROM movies WHERE "Major Genre" IS NOT NULL GROUP BY 1;

-- name: movies_release_year_text
-- ordered
SELECT RIGHT("Release Date", 4) AS y, COUNT(*) FROM movies GROUP BY 1 HAVING COUNT(*) > 150 ORDER BY 1;

-- name: movies_coalesce_genre
SELECT COALESCE("Major Genre", 'Unknown') AS g, COUNT(*) FROM movies GROUP BY 1;

-- name: movies_missing_values
SELECT COUNT(*) - COUNT("Rotten Tomatoes Rating") AS missing_rt, COUNT(*) - COUNT("IMDB Rating") AS missing_imdb FROM movies;

-- name: movies_top_two_per_genre
SELECT "Major Genre", Title, "IMDB Rating" FROM movies WHERE "Major Genre" IN ('Horror', 'Western') AND "IMDB Votes" > 10000
QUALIFY DENSE_RANK() OVER (PARTITION BY "Major Genre" ORDER BY "IMDB Rating" DESC) <= 2;

-- name: movies_above_genre_average
SELECT COUNT(*) AS n FROM movies m WHERE "IMDB Rating" > (SELECT AVG("IMDB Rating") FROM movies m2 WHERE m2."Major Genre" = m."Major Genre");

-- name: movies_creative_type_share
SELECT "Creative Type", COUNT(*) * 100.0 / SUM(COUNT(*)) OVER () AS pct FROM movies GROUP BY 1;

-- name: movies_title_like
SELECT COUNT(*) AS n FROM movies WHERE LOWER(Title) LIKE '%star%';

-- name: movies_title_lengths
SELECT MAX(LENGTH(Title)) AS longest, AVG(LENGTH(Title)) AS avg_len FROM movies;

-- name: movies_running_time_buckets
-- ordered
SELECT FLOOR("Running Time min" / 30) * 30 AS bucket, COUNT(*) AS n FROM movies WHERE "Running Time min" IS NOT NULL GROUP BY 1 ORDER BY 1;

-- name: movies_source_and_genre
SELECT Source, "Major Genre", COUNT(*) AS n FROM movies WHERE Source IS NOT NULL AND "Major Genre" IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 40;

-- name: movies_dvd_ratio
SELECT AVG("US DVD Sales" * 1.0 / "US Gross") AS r FROM movies WHERE "US Gross" > 0;

-- name: movies_directors_several_genres
SELECT COUNT(DISTINCT Director) AS n FROM movies a WHERE EXISTS (SELECT 1 FROM movies b WHERE b.Director = a.Director AND b."Major Genre" <> a."Major Genre");

-- name: movies_rating_correlation
SELECT CORR("IMDB Rating", "Rotten Tomatoes Rating") AS c FROM movies;

-- name: movies_rating_histogram
-- ordered
SELECT ROUND("IMDB Rating") AS r, COUNT(*) AS n FROM movies WHERE "IMDB Rating" IS NOT NULL GROUP BY 1 ORDER BY 1;

-- ===== airports and flights: joins =====

-- name: airports_by_state
-- ordered
SELECT state, COUNT(*) AS n FROM airports WHERE country = 'USA' GROUP BY state ORDER BY n DESC, state LIMIT 10;

-- name: airports_latitude_range
SELECT state, MIN(latitude) AS south, MAX(latitude) AS north FROM airports WHERE state IN ('CA', 'TX', 'AK') GROUP BY state;

-- name: flights_by_origin
-- ordered
SELECT origin, COUNT(*) AS n, AVG(delay) AS d FROM flights GROUP BY origin ORDER BY n DESC, origin LIMIT 10;

-- name: flights_join_airports
-- ordered
SELECT a.state, COUNT(*) AS flights FROM flights f JOIN airports a ON f.origin = a.iata GROUP BY a.state ORDER BY flights DESC, a.state LIMIT 5;

-- name: flights_join_both_ends
-- ordered
SELECT o.city AS from_city, d.city AS to_city, COUNT(*) AS n
FROM flights f JOIN airports o ON f.origin = o.iata JOIN airports d ON f.destination = d.iata
GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 5;

-- name: flights_comma_join
-- ordered
SELECT a.name, COUNT(*) AS n FROM flights f, airports a WHERE f.origin = a.iata AND a.state = 'CA' GROUP BY a.name ORDER BY n DESC, a.name LIMIT 5;

-- name: flights_left_join_unmatched
SELECT COUNT(*) AS n FROM flights f LEFT JOIN airports a ON f.origin = a.iata WHERE a.iata IS NULL;

-- name: flights_left_join_condition_on_right
-- ordered
SELECT f.origin, COUNT(a.iata) AS to_texas FROM flights f LEFT JOIN airports a ON f.destination = a.iata AND a.state = 'TX'
GROUP BY f.origin ORDER BY to_texas DESC, f.origin LIMIT 5;

-- name: flights_delay_status
SELECT CASE WHEN delay <= 0 THEN 'on time' WHEN delay < 30 THEN 'late' ELSE 'very late' END AS status, COUNT(*) AS n FROM flights GROUP BY 1;

-- name: flights_distance_stats
SELECT MIN(distance), MAX(distance), AVG(distance), MEDIAN(distance) FROM flights;

-- name: flights_by_hour
-- ordered
SELECT HOUR(STRPTIME(date, '%Y/%m/%d %H:%M')) AS h, COUNT(*) AS n FROM flights GROUP BY 1 ORDER BY 1;

-- name: flights_by_month
-- ordered
SELECT DATE_TRUNC('month', STRPTIME(date, '%Y/%m/%d %H:%M')) AS m, COUNT(*) AS n FROM flights GROUP BY 1 ORDER BY 1;

-- name: flights_top_route_per_origin
-- ordered
SELECT origin, destination, COUNT(*) AS n FROM flights GROUP BY 1, 2
QUALIFY ROW_NUMBER() OVER (PARTITION BY origin ORDER BY COUNT(*) DESC, destination) = 1 ORDER BY n DESC, origin LIMIT 5;

-- name: flights_in_subquery
SELECT COUNT(*) AS n FROM flights WHERE origin IN (SELECT iata FROM airports WHERE state = 'CA');

-- name: flights_exists_destination
SELECT COUNT(*) AS n FROM flights f WHERE EXISTS (SELECT 1 FROM airports a WHERE a.iata = f.destination AND a.state = 'FL');

-- name: flights_not_exists_origin
SELECT COUNT(*) AS n FROM flights f WHERE NOT EXISTS (SELECT 1 FROM airports a WHERE a.iata = f.origin);

-- name: flights_excess_delay
SELECT origin, AVG(delay) - (SELECT AVG(delay) FROM flights) AS excess FROM flights GROUP BY origin HAVING COUNT(*) > 100;

-- name: flights_cte_join
-- ordered
WITH busy AS (SELECT origin, COUNT(*) AS n FROM flights GROUP BY origin HAVING COUNT(*) > 200)
SELECT b.origin, a.city, b.n FROM busy b JOIN airports a ON a.iata = b.origin ORDER BY b.n DESC, b.origin;

-- name: flights_join_using
-- ordered
SELECT state, COUNT(*) AS n FROM flights JOIN (SELECT iata AS origin, state FROM airports) a USING (origin) GROUP BY state ORDER BY n DESC, state LIMIT 3;

-- name: flights_distance_per_delay
SELECT origin, SUM(distance) * 1.0 / NULLIF(SUM(CASE WHEN delay > 0 THEN delay ELSE 0 END), 0) AS ratio FROM flights GROUP BY origin HAVING COUNT(*) >= 100;

-- name: flights_join_with_where_on_both
SELECT COUNT(*) AS n FROM flights f JOIN airports o ON f.origin = o.iata JOIN airports d ON f.destination = d.iata WHERE o.state = d.state;

-- ===== gapminder =====

-- name: gapminder_cluster_life_2005
-- ordered
SELECT cluster, AVG(life_expect) AS le FROM gapminder WHERE year = 2005 GROUP BY cluster ORDER BY cluster;

-- name: gapminder_population_growth_lag
-- ordered
SELECT country, year, pop, pop - LAG(pop) OVER (PARTITION BY country ORDER BY year) AS growth FROM gapminder WHERE country = 'Japan' ORDER BY year;

-- name: gapminder_top_population
-- ordered
SELECT country, pop FROM gapminder WHERE year = 2005 ORDER BY pop DESC LIMIT 5;

-- name: gapminder_rank_life_expectancy
-- ordered
SELECT country, life_expect, RANK() OVER (ORDER BY life_expect DESC) AS r FROM gapminder WHERE year = 1955 ORDER BY r, country LIMIT 5;

-- name: gapminder_life_gain
-- ordered
SELECT country, MIN(life_expect) AS lo, MAX(life_expect) AS hi, MAX(life_expect) - MIN(life_expect) AS gain
FROM gapminder GROUP BY country ORDER BY gain DESC, country LIMIT 5;

-- name: gapminder_world_population
-- ordered
SELECT year, SUM(pop) AS world FROM gapminder GROUP BY year ORDER BY year;

-- name: gapminder_decade_float_division
-- ordered
SELECT year / 10 * 10 AS decade, AVG(fertility) AS f FROM gapminder GROUP BY 1 ORDER BY 1;

-- name: gapminder_decade_integer_division
-- ordered
SELECT year // 10 * 10 AS decade, AVG(fertility) AS f FROM gapminder GROUP BY 1 ORDER BY 1;

-- name: gapminder_correlation
SELECT CORR(fertility, life_expect) AS c FROM gapminder WHERE year = 2005;

-- name: gapminder_first_last_value
SELECT DISTINCT country,
  LAST_VALUE(life_expect) OVER (PARTITION BY country ORDER BY year ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  - FIRST_VALUE(life_expect) OVER (PARTITION BY country ORDER BY year) AS gain
FROM gapminder WHERE cluster = 3;

-- name: gapminder_nth_value
SELECT DISTINCT country, NTH_VALUE(pop, 2) OVER (PARTITION BY country ORDER BY year ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second
FROM gapminder WHERE cluster = 4;

-- name: gapminder_above_cluster_year_average
SELECT COUNT(*) AS n FROM gapminder g WHERE life_expect > (SELECT AVG(life_expect) FROM gapminder h WHERE h.cluster = g.cluster AND h.year = g.year);

-- name: gapminder_centered_moving_sum
-- ordered
SELECT year, SUM(pop) OVER (ORDER BY year ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM gapminder WHERE country = 'China' ORDER BY year;

-- name: gapminder_running_population
-- ordered
SELECT country, pop, SUM(pop) OVER (ORDER BY pop DESC ROWS UNBOUNDED PRECEDING) AS running FROM gapminder WHERE year = 2005 ORDER BY pop DESC LIMIT 5;

-- name: gapminder_fertility_change
-- ordered
SELECT country, MAX(CASE WHEN year = 2005 THEN fertility END) - MAX(CASE WHEN year = 1955 THEN fertility END) AS change
FROM gapminder GROUP BY country ORDER BY change, country LIMIT 5;

-- ===== penguins: names with spaces and parentheses =====

-- name: penguins_species_stats
-- ordered
SELECT Species, AVG("Body Mass (g)") AS mass, AVG("Flipper Length (mm)") AS flipper FROM penguins GROUP BY Species ORDER BY Species;

-- name: penguins_island_sex
SELECT Island, Sex, COUNT(*) AS n FROM penguins GROUP BY Island, Sex;

-- name: penguins_missing
SELECT COUNT(*) AS n FROM penguins WHERE Sex IS NULL OR "Body Mass (g)" IS NULL;

-- name: penguins_beak_ratio
SELECT Species, AVG("Beak Length (mm)" / "Beak Depth (mm)") AS ratio FROM penguins GROUP BY 1;

-- name: penguins_heaviest_per_species
SELECT Species, Island, "Body Mass (g)" FROM penguins WHERE "Body Mass (g)" IS NOT NULL
QUALIFY RANK() OVER (PARTITION BY Species ORDER BY "Body Mass (g)" DESC) = 1;

-- name: penguins_z_score
SELECT Species, ("Body Mass (g)" - AVG("Body Mass (g)") OVER (PARTITION BY Species)) / STDDEV("Body Mass (g)") OVER (PARTITION BY Species) AS z
FROM penguins WHERE Island = 'Torgersen';

-- name: penguins_size_classes
SELECT CASE WHEN "Body Mass (g)" > 4500 THEN 'large' ELSE 'small' END AS size, Species, COUNT(*) FROM penguins GROUP BY 1, 2;

-- name: penguins_median_by_sex
SELECT Sex, MEDIAN("Flipper Length (mm)") AS m FROM penguins GROUP BY Sex;

-- name: penguins_islands_per_species
-- ordered
SELECT Species, COUNT(DISTINCT Island) AS islands FROM penguins GROUP BY Species ORDER BY Species;

-- name: penguins_filter_aggregates
-- ordered
SELECT Species, COUNT(*) FILTER (WHERE Sex = 'MALE') AS male, COUNT(*) FILTER (WHERE Sex = 'FEMALE') AS female,
       AVG("Body Mass (g)") FILTER (WHERE Sex = 'MALE') AS male_mass
FROM penguins GROUP BY Species ORDER BY Species;

-- ===== barley, population, iowa, jobs =====

-- name: barley_site_year
-- ordered
SELECT site, year, SUM(yield) AS total FROM barley GROUP BY site, year ORDER BY site, year;

-- name: barley_variety_change
-- ordered
SELECT variety, SUM(CASE WHEN year = 1932 THEN yield ELSE 0 END) - SUM(CASE WHEN year = 1931 THEN yield ELSE 0 END) AS change
FROM barley GROUP BY variety ORDER BY change;

-- name: barley_best_site_per_variety
SELECT variety, site, yield FROM barley WHERE year = 1931 QUALIFY RANK() OVER (PARTITION BY variety ORDER BY yield DESC) = 1;

-- name: barley_sites_above_average
-- ordered
SELECT site FROM barley GROUP BY site HAVING AVG(yield) > (SELECT AVG(yield) FROM barley) ORDER BY site;

-- name: population_by_sex
-- ordered
SELECT year, SUM(CASE WHEN sex = 1 THEN people END) AS men, SUM(CASE WHEN sex = 2 THEN people END) AS women FROM population GROUP BY year ORDER BY year;

-- name: population_age_groups
-- ordered
SELECT CASE WHEN age < 20 THEN '0-19' WHEN age < 65 THEN '20-64' ELSE '65+' END AS grp, SUM(people) AS p FROM population WHERE year = 2000 GROUP BY 1 ORDER BY 1;

-- name: population_share_window
-- ordered
SELECT year, age, people * 1.0 / SUM(people) OVER (PARTITION BY year) AS share FROM population WHERE year = 1900 AND sex = 1 AND age <= 10 ORDER BY age;

-- name: population_growth
-- ordered
WITH t AS (SELECT year, SUM(people) AS total FROM population GROUP BY year)
SELECT year, total, total - LAG(total) OVER (ORDER BY year) AS change FROM t ORDER BY year;

-- name: population_largest_age_group
SELECT year, age FROM population WHERE sex = 2 QUALIFY RANK() OVER (PARTITION BY year ORDER BY people DESC) = 1;

-- name: iowa_by_source
-- ordered
SELECT source, SUM(net_generation) AS total FROM iowa GROUP BY source ORDER BY total DESC;

-- name: iowa_yearly_share
-- ordered
SELECT YEAR(year) AS y, source, net_generation * 100.0 / SUM(net_generation) OVER (PARTITION BY year) AS pct FROM iowa ORDER BY y, source;

-- name: iowa_renewables_growth
-- ordered
SELECT year, net_generation, net_generation - LAG(net_generation) OVER (ORDER BY year) AS delta FROM iowa WHERE source = 'Renewables' ORDER BY year;

-- name: jobs_top_2000
-- ordered
SELECT job, SUM(count) AS n FROM jobs WHERE year = 2000 GROUP BY job ORDER BY n DESC, job LIMIT 5;

-- name: jobs_women_share
-- ordered
SELECT year, SUM(CASE WHEN sex = 'women' THEN count ELSE 0 END) * 1.0 / SUM(count) AS women FROM jobs GROUP BY year ORDER BY year;

-- name: jobs_growth
-- ordered
WITH j AS (SELECT job, SUM(CASE WHEN year = 2000 THEN count END) AS c2000, SUM(CASE WHEN year = 1950 THEN count END) AS c1950 FROM jobs GROUP BY job)
SELECT job, c2000 - c1950 AS growth FROM j WHERE c1950 > 0 ORDER BY growth DESC, job LIMIT 5;

-- name: jobs_perc_sum
-- ordered
SELECT year, sex, ROUND(SUM(perc), 6) AS p FROM jobs GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 6;

-- name: jobs_distinct_count
SELECT COUNT(DISTINCT job) AS n FROM jobs;

-- name: jobs_engineers
SELECT job, MAX(count) AS peak FROM jobs WHERE job ILIKE '%engineer%' GROUP BY job;

-- name: jobs_peak_year_per_job
SELECT job, year, count FROM jobs WHERE sex = 'women' AND job LIKE 'T%' QUALIFY ROW_NUMBER() OVER (PARTITION BY job ORDER BY count DESC, year) = 1;

-- name: trim_functions
SELECT TRIM('  x  ') AS t, LTRIM('  x') AS l, RTRIM('x  ') AS r;

-- ===== harder cases =====

-- name: weather_date_difference_days
-- ordered
SELECT date, date - DATE '2012-01-01' AS days FROM weather WHERE date < DATE '2012-01-04' ORDER BY date;

-- name: flights_timestamp_interval_hours
-- ordered
SELECT STRPTIME(date, '%Y/%m/%d %H:%M') + INTERVAL '2 hours' AS later FROM flights WHERE origin = 'SAT' AND destination = 'HOU' ORDER BY 1 LIMIT 3;

-- name: weather_epoch_and_dow
-- ordered
SELECT date, EXTRACT(epoch FROM date) AS e, EXTRACT(dow FROM date) AS dow, EXTRACT(doy FROM date) AS doy FROM weather WHERE date < DATE '2012-01-04' ORDER BY date;

-- name: cars_right_join
SELECT a.Origin, b.n FROM (SELECT DISTINCT Origin FROM cars WHERE Cylinders = 3) a RIGHT JOIN (SELECT Origin, COUNT(*) AS n FROM cars GROUP BY Origin) b ON a.Origin = b.Origin;

-- name: cars_full_outer_join
SELECT a.Origin AS ao, b.Origin AS bo FROM (SELECT DISTINCT Origin FROM cars WHERE Cylinders = 3) a FULL OUTER JOIN (SELECT DISTINCT Origin FROM cars WHERE Cylinders = 5) b ON a.Origin = b.Origin;

-- name: cars_cte_self_join
WITH o AS (SELECT Origin, Cylinders, COUNT(*) AS n FROM cars GROUP BY 1, 2)
SELECT x.Origin, x.Cylinders, x.n, y.n AS usa_n FROM o x JOIN o y ON x.Cylinders = y.Cylinders AND y.Origin = 'USA' WHERE x.Origin <> 'USA';

-- name: cars_order_by_expression_not_selected
-- ordered
SELECT Name FROM cars WHERE Origin = 'Europe' AND Cylinders = 4 ORDER BY Weight_in_lbs / Displacement DESC, Name LIMIT 5;

-- name: cars_distinct_order_by
-- ordered
SELECT DISTINCT Cylinders FROM cars ORDER BY Cylinders DESC;

-- name: cars_union_all_limit
-- ordered
SELECT Name, Horsepower FROM cars WHERE Origin = 'Japan' AND Horsepower IS NOT NULL
UNION ALL SELECT Name, Horsepower FROM cars WHERE Origin = 'Europe' AND Horsepower IS NOT NULL
ORDER BY Horsepower DESC, Name LIMIT 4;

-- name: cars_count_distinct_having
-- ordered
SELECT Origin, COUNT(DISTINCT Cylinders) AS kinds FROM cars GROUP BY Origin HAVING COUNT(DISTINCT Cylinders) > 3 ORDER BY Origin;

-- name: cars_derived_with_limit
SELECT AVG(Horsepower) AS hp FROM (SELECT Horsepower FROM cars WHERE Horsepower IS NOT NULL ORDER BY Horsepower DESC, Name LIMIT 10) t;

-- name: cars_window_partition_by_expression
SELECT Name, Weight_in_lbs, RANK() OVER (PARTITION BY Weight_in_lbs > 3000 ORDER BY Weight_in_lbs DESC) AS r FROM cars WHERE Cylinders = 5;

-- name: cars_window_whole_partition_range
SELECT DISTINCT Origin, MAX(Weight_in_lbs) OVER (PARTITION BY Origin ORDER BY Weight_in_lbs RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS heaviest FROM cars;

-- name: cars_null_arithmetic
SELECT Name, Horsepower + Miles_per_Gallon AS s, Name || NULL AS n, CONCAT(Name, NULL, '!') AS c FROM cars WHERE Horsepower IS NULL;

-- name: cars_in_negated_list
SELECT COUNT(*) AS n FROM cars WHERE Cylinders NOT IN (4, 8);

-- name: weather_scalar_subquery_date
SELECT COUNT(*) AS n FROM weather WHERE date > (SELECT MAX(date) FROM weather) - INTERVAL '30 days';

-- name: cars_group_by_with_window_partition
-- ordered
SELECT Origin, Cylinders, COUNT(*) AS n, SUM(COUNT(*)) OVER (PARTITION BY Origin) AS origin_total FROM cars GROUP BY Origin, Cylinders ORDER BY Origin, Cylinders;

-- name: movies_case_in_aggregate_with_nulls
SELECT "MPAA Rating", SUM(CASE WHEN "IMDB Rating" >= 7 THEN 1 END) AS good FROM movies GROUP BY 1;

-- name: cars_like_escape
SELECT COUNT(*) AS n FROM cars WHERE Name LIKE '%(sw)%';

-- name: cars_avg_integer_column
SELECT AVG(Cylinders) AS c, SUM(Cylinders) AS s FROM cars;

-- name: cars_exists_with_range_correlation
SELECT COUNT(*) AS n FROM cars a WHERE NOT EXISTS (SELECT 1 FROM cars b WHERE b.Origin = a.Origin AND b.Horsepower > a.Horsepower);

-- name: gapminder_correlated_in_select
-- ordered
SELECT country, pop, (SELECT MAX(pop) FROM gapminder h WHERE h.country = g.country) AS peak FROM gapminder g WHERE year = 1955 ORDER BY pop DESC LIMIT 3;

-- name: stocks_cumulative_count_distinct_window
SELECT symbol, COUNT(*) OVER (PARTITION BY symbol) AS months, MIN(price) OVER (PARTITION BY symbol) AS low FROM stocks WHERE date = 'Jan 1 2005';

-- name: jobs_string_agg_free_listing
SELECT sex, COUNT(DISTINCT job) AS jobs FROM jobs WHERE year = 2000 AND count > 100000 GROUP BY sex;

-- name: population_union_totals
-- ordered
SELECT 'men' AS who, SUM(people) AS p FROM population WHERE year = 2000 AND sex = 1
UNION ALL SELECT 'women', SUM(people) FROM population WHERE year = 2000 AND sex = 2
UNION ALL SELECT 'all', SUM(people) FROM population WHERE year = 2000 ORDER BY p;

-- name: weather_monthly_having_window
-- ordered
SELECT YEAR(date) AS y, MONTH(date) AS m, SUM(precipitation) AS p, AVG(SUM(precipitation)) OVER (PARTITION BY YEAR(date)) AS year_avg
FROM weather GROUP BY 1, 2 HAVING SUM(precipitation) > 150 ORDER BY 1, 2;

-- name: cars_string_agg_ordered
-- ordered
SELECT Origin, STRING_AGG(DISTINCT CAST(Cylinders AS VARCHAR), ',' ORDER BY CAST(Cylinders AS VARCHAR)) AS cyl FROM cars GROUP BY Origin ORDER BY Origin;

-- name: cars_string_agg_names
-- ordered
SELECT Cylinders, STRING_AGG(Name, '; ' ORDER BY Name) AS names FROM cars WHERE Cylinders IN (3, 5) GROUP BY Cylinders ORDER BY Cylinders;

-- name: weather_range_interval_frame
-- ordered
SELECT date, SUM(precipitation) OVER (ORDER BY date RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS week_rain
FROM weather WHERE date < DATE '2012-01-10' ORDER BY date;

-- name: movies_mode_rating
SELECT "Major Genre", MODE("MPAA Rating") AS typical FROM movies WHERE "Major Genre" IN ('Horror', 'Musical') GROUP BY 1;

-- name: cars_arg_max
SELECT Origin, ARG_MAX(Name, Weight_in_lbs) AS heaviest FROM cars GROUP BY Origin;

-- name: cars_rollup
SELECT Origin, Cylinders, COUNT(*) AS n FROM cars GROUP BY ROLLUP (Origin, Cylinders);
