variable "name" { type = string }
variable "instance_class" { type = string }
variable "subnet_ids" { type = list(string) }

# The module's defaults are the insecure ones; the root module does not override them.
variable "public" {
  type    = bool
  default = true
}

variable "encrypted" {
  type    = bool
  default = false
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = var.instance_class
  allocated_storage       = 100
  storage_type            = "gp3"
  db_subnet_group_name    = aws_db_subnet_group.this.name
  publicly_accessible     = var.public
  storage_encrypted       = var.encrypted
  backup_retention_period = 7
  multi_az                = true
  deletion_protection     = true
  skip_final_snapshot     = false
}
