# A small shop: a network module, a web tier and a database module, configured per environment
# through terraform.tfvars. Written here as a corpus case: the kind of layout a platform team has.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  name = "shop-${var.environment}"
  tags = {
    Environment = var.environment
    Owner       = "platform"
  }
}

module "network" {
  source = "./modules/network"

  name     = local.name
  cidr     = var.vpc_cidr
  az_count = var.az_count
  tags     = local.tags
}

module "web" {
  source = "./modules/web"

  name           = local.name
  subnet_ids     = module.network.private_subnet_ids
  instance_type  = var.web_instance_type
  instance_count = var.web_instances
  admin_cidrs    = var.admin_cidrs
  vpc_id         = module.network.vpc_id
}

module "database" {
  source = "./modules/database"

  name           = local.name
  instance_class = var.db_instance_class
  subnet_ids     = module.network.private_subnet_ids
}

# Registry module: cannot be fetched offline, so Sentinel must say it did not read it.
module "assets" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.0"

  bucket = "${local.name}-assets"
}

# Turned off in this environment: count = 0 makes no instance, so nothing here is checked or priced.
resource "aws_instance" "bastion" {
  count         = var.enable_bastion ? 1 : 0
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.micro"
}
