import Foundation

/// Who is acting, as records name them.
enum ActingUser {
    /// `user@host`.
    static var current: String {
        let environment = ProcessInfo.processInfo.environment
        let user =
            environment["USER"] ?? environment["LOGNAME"]
            ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) }
        return (user ?? "unknown") + "@" + ProcessInfo.processInfo.hostName
    }
}
