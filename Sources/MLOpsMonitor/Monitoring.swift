import MLOpsCore

/// Drift statistics, monitoring windows and reports over the serving log.
///
/// The statistics arrive with the monitoring issue; this namespace fixes the module's place in the dependency graph.
public enum Monitoring {}
