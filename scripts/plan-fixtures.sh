#!/usr/bin/env bash
# Regenerates the Terraform plan JSON fixtures (test/fixtures/iac/plan-json/<name>/plan.json)
# from their sources (<name>/src) with the real terraform, offline:
#   terraform init -> terraform plan -refresh=false -out plan.out -> terraform show -json plan.out
# The AWS provider comes from a filesystem mirror (ATLAS_TF_PLUGIN_MIRROR, default /opt/tf-plugins)
# and the fixtures' provider blocks carry fake credentials with every AWS call skipped.
#
# Usage: scripts/plan-fixtures.sh [--out <dir>] [name ...]
#   no names: every fixture; --out writes <dir>/<name>.json instead of the committed files
#   (iac/terraform-plan.int.test.ts uses it to compare a fresh plan with the committed one).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="$repo/test/fixtures/iac/plan-json"
mirror="${ATLAS_TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
# shared with nodes/builder/terraform/validate.int.test.ts: init links the provider, no 700 MB copy
cache="${ATLAS_TF_PLUGIN_CACHE:-${TMPDIR:-/tmp}/atlas-terraform-plugin-cache}"

out=""
if [[ "${1:-}" == "--out" ]]; then
  out="${2:?--out needs a folder}"
  shift 2
fi
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for dir in "$fixtures"/*/src; do names+=("$(basename "$(dirname "$dir")")"); done
fi

command -v terraform >/dev/null || { echo "terraform is not on the PATH" >&2; exit 2; }
[[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]] || { echo "no hashicorp/aws provider mirror at $mirror" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/atlas-plan-fixtures-XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache"
cat >"$work/cli.tfrc" <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
CONFIG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_PLUGIN_CACHE_DIR="$cache" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

for name in "${names[@]}"; do
  src="$fixtures/$name/src"
  [[ -d "$src" ]] || { echo "no fixture source at $src" >&2; exit 2; }
  root="$work/$name"
  cp -R "$src" "$root"
  # The local backend keeps its (empty) state in the copy; nothing is written next to the sources.
  terraform -chdir="$root" init -input=false -no-color >"$work/$name.init.log" || { cat "$work/$name.init.log" >&2; exit 1; }
  terraform -chdir="$root" plan -input=false -no-color -refresh=false -lock=false -out=plan.out >"$work/$name.plan.log" || {
    cat "$work/$name.plan.log" >&2
    exit 1
  }
  target="$fixtures/$name/plan.json"
  [[ -n "$out" ]] && mkdir -p "$out" && target="$out/$name.json"
  # Terraform prints one line; any absolute path of the temporary copy becomes ".".
  terraform -chdir="$root" show -json -no-color plan.out | sed -e "s#$root#.#g" -e "s#$work#.#g" >"$target"
  echo "wrote ${target#"$repo"/}"
done
