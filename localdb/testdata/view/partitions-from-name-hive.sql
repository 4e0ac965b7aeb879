split_part(parse_filename(filename), '_', 1) AS "aws_account_id",
split_part(parse_filename(filename), '_', 3) AS "aws_region",
substr(split_part(parse_filename(filename), '_', 5), 1, 4) AS "year",
substr(split_part(parse_filename(filename), '_', 5), 5, 2) AS "month",
substr(split_part(parse_filename(filename), '_', 5), 7, 2) AS "day"
