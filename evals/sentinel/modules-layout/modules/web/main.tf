variable "name" { type = string }
variable "subnet_ids" { type = list(string) }
variable "instance_type" { type = string }
variable "instance_count" { type = number }
variable "admin_cidrs" { type = list(string) }
variable "vpc_id" { type = string }

locals {
  ssh_port = 22
}

resource "aws_security_group" "web" {
  name   = "${var.name}-web"
  vpc_id = var.vpc_id

  ingress {
    description = "SSH for administrators"
    from_port   = local.ssh_port
    to_port     = local.ssh_port
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}

resource "aws_launch_template" "web" {
  name_prefix   = "${var.name}-web-"
  image_id      = "ami-0c55b159cbfafe1f0"
  instance_type = var.instance_type

  dynamic "metadata_options" {
    for_each = [1]
    content {
      http_endpoint = "enabled"
      http_tokens   = "required"
    }
  }
}

resource "aws_instance" "web" {
  count                  = var.instance_count
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index]
  vpc_security_group_ids = [aws_security_group.web.id]

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    volume_size = 30
    volume_type = "gp3"
    encrypted   = true
  }
}
