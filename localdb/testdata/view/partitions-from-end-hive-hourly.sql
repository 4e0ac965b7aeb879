NULL::VARCHAR AS "aws_account_id",
NULL::VARCHAR AS "aws_region",
strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%Y') AS "year",
strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%m') AS "month",
strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%d') AS "day",
strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%H') AS "hour"
