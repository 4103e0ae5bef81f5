import MLOpsErrors

/// Tabular learning: tables, learners, metrics, tuning and the model format.
///
/// The learners arrive with the learning-engine issue; this namespace fixes the module's place in the graph.
public enum Learning {}
