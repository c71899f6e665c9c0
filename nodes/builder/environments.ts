/**
 * The environments every Kubernetes design is delivered to, in promotion order. A goal names one
 * environment (dev, staging or prod: the one its sizing is for); the builder writes an overlay and
 * a Helm values file for each of these, and the delivery pipelines have a stage per environment.
 * `qa` exists only here: a goal cannot target it, a pipeline promotes through it.
 */
export const DELIVERY_ENVIRONMENTS = ["dev", "qa", "staging", "prod"] as const;

export type DeliveryEnvironment = (typeof DELIVERY_ENVIRONMENTS)[number];

/** Where the builder writes what each environment deploys; pipelines and GitOps manifests point here. */
export const DELIVERY_PATHS = {
  /** the Kustomize base every overlay builds on */
  kustomizeBase: "kubernetes/base",
  /** `kubectl apply -k kubernetes/overlays/<env>` */
  overlay: (env: DeliveryEnvironment) => `kubernetes/overlays/${env}`,
  /** `helm upgrade --install -f helm/<chart>/values-<env>.yaml` */
  helmValues: (chartDir: string, env: DeliveryEnvironment) => `${chartDir}/values-${env}.yaml`,
  /** the Terraform root module */
  terraform: "terraform",
} as const;
