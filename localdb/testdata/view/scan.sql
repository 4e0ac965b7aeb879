SELECT * FROM flowq_scan(3)
