/** One file of infrastructure code, with its path relative to the folder it came from. */
export interface IacFile {
  path: string;
  content: string;
}

/** A Terraform `resource` block after parsing (HCL or `.tf.json`). */
export interface TerraformResource {
  /** e.g. `aws_db_instance` */
  type: string;
  /** e.g. `main` */
  name: string;
  /** `aws_db_instance.main`, prefixed by `module.<dir>.` for nested module folders */
  address: string;
  /** path of the file that declares it, relative to the folder given */
  file: string;
  /** 1-based line of the block's opening, or null when it cannot be located */
  line: number | null;
  /** attribute values as parsed; nested blocks are arrays of objects (hcl2json's shape) */
  attributes: Record<string, unknown>;
  /**
   * Which kind of block this is. Absent means `managed` (a `resource` block); data sources,
   * providers and variables use the same shape so rules can treat them alike.
   */
  mode?: "managed" | "data" | "provider" | "variable";
  /** folder of the module that declares it, relative to the folder given; `""` for the root */
  module?: string;
  /**
   * Attribute paths (`ingress[0].cidr_blocks[0]`) whose value stays unknown before plan (a
   * resource attribute, an unset variable, an unsupported function): they keep their raw `${...}`.
   */
  unevaluated?: string[];
  /** What evaluation could not do exactly, e.g. a `dynamic` block whose for_each is unknown. */
  notes?: string[];
}

/** A Kubernetes object read from a YAML or JSON manifest. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** metadata.namespace, else the `namespace:` of an enclosing kustomization.yaml, else null */
  namespace: string | null;
  file: string;
  /** 1-based line where the document starts */
  line: number;
  object: Record<string, unknown>;
  /**
   * 1-based line of each map key and list item, keyed by JSON pointer (`/spec/replicas`,
   * `/spec/template/spec/containers/0`). Lets findings point at the offending field.
   */
  lines?: Record<string, number>;
}

/** A file (or part of one) that could not be parsed. */
export interface ParseError {
  file: string;
  /** 1-based line of the problem, or null when the parser does not say */
  line: number | null;
  message: string;
}

/** A file that was deliberately not parsed, e.g. a Helm template. */
export interface SkippedFile {
  file: string;
  reason: string;
}
