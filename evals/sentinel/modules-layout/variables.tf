variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "az_count" {
  type    = number
  default = 2
}

variable "web_instance_type" {
  type    = string
  default = "t3.small"
}

variable "web_instances" {
  type    = number
  default = 1
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "db_instance_class" {
  type    = string
  default = "db.t3.micro"
}

variable "enable_bastion" {
  type    = bool
  default = false
}
