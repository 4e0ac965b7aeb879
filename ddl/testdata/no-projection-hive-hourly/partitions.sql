ALTER TABLE vpc_logs.flow_logs ADD IF NOT EXISTS
  PARTITION (aws_account_id = '111122223333', aws_region = 'us-east-1', year = '2026', month = '01', day = '05', hour = '22') LOCATION 's3://b/p/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=05/hour=22/'
  PARTITION (aws_account_id = '111122223333', aws_region = 'us-east-1', year = '2026', month = '01', day = '05', hour = '23') LOCATION 's3://b/p/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=05/hour=23/'
  PARTITION (aws_account_id = '111122223333', aws_region = 'us-east-1', year = '2026', month = '01', day = '06', hour = '00') LOCATION 's3://b/p/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=06/hour=00/'
  PARTITION (aws_account_id = '111122223333', aws_region = 'us-east-1', year = '2026', month = '01', day = '06', hour = '01') LOCATION 's3://b/p/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=06/hour=01/';

-- The Hive-compatible layout also allows MSCK REPAIR TABLE, which lists every folder under the
-- table's location and adds the partitions it finds. It matches folder keys to column names, so it
-- needs partition columns named as the keys (aws-account-id, aws-service, aws-region, year, …);
-- flowq's are aws_account_id, aws_region, year, …, the names both of its engines share, so use the
-- statements above, or partition projection, which needs neither.
