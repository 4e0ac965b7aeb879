NULL::VARCHAR AS "aws_account_id",
NULL::VARCHAR AS "aws_region",
concat(strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%Y'), '/', strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%m'), '/', strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), '%d')) AS "day"
