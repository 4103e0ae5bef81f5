import MLOpsServe

/// How `mlops ui` listens and who may change the registry through it.
public struct DashboardConfiguration: Sendable {
    /// The address to bind: loopback by default; the pages answer only requests addressed to this host, a
    /// loopback name, or `localhost` (a page of another site that resolves its name here is refused).
    public var host = "127.0.0.1"
    /// 0 for any free port (the URL is reported when listening).
    public var port = 8765
    /// With a token, a browser that opened the URL carrying it (or a script sending `Authorization: Bearer`)
    /// may promote and roll back; without one the dashboard is read-only.
    public var token: String?
    /// The same connection limits and timeouts as `mlops serve`.
    public var connections = ConnectionLimits()
    /// The largest request body accepted (promote and rollback forms are a few hundred bytes).
    public var maximumBodyBytes = 65_536
    /// The process environment, for S3 credentials when the data page compares with the default remote.
    public var environment: [String: String] = [:]

    public init() {}
}

/// What the dashboard reports while it runs.
public enum DashboardEvent: Sendable, Equatable {
    /// Listening at `url`; `login` is the address that also carries the token, when there is one.
    case listening(url: String, login: String?)
    case stopped
}
