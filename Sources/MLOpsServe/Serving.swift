import MLOpsCore

/// HTTP serving of registered models (Open Inference Protocol, MLflow scoring, Prometheus metrics).
///
/// The server itself arrives with the serving issue; this namespace fixes the module's place in the dependency graph.
public enum Serving {}
