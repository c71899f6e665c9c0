environment       = "prod"
web_instance_type = "m5.large"
web_instances     = 2
db_instance_class = "db.m5.large"
