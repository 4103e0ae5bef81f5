import Foundation
import HTTPTypes
import Hummingbird

/// Who may do what: every request must be addressed to the dashboard's own host (a DNS-rebinding page cannot
/// reach it under another name); reads are open to such requests; a change (a POST) needs the token in an
/// `Authorization: Bearer` header or the session cookie the login address sets, and a browser's request must
/// come from the dashboard's own pages (`Origin`, `Sec-Fetch-Site`).
///
/// The cookie holds a secret made at start, never the token: browsers send cookies to every port of a host, so
/// another local server must not learn the token, and a login ends with the process. Its name carries the port,
/// so two dashboards on one machine keep their logins apart.
struct AccessPolicy: Sendable {
    /// The host names requests may carry in `Host` (without the port).
    let allowedHosts: Set<String>
    let token: String?
    /// The login cookie's value: 32 random bytes in hex.
    let session: String
    /// Browsers say with it whether a request comes from the page's own site.
    private static let fetchSite = HTTPField.Name("Sec-Fetch-Site")

    init(host: String, token: String?) {
        var hosts: Set<String> = [host.lowercased(), host.contains(":") ? "[\(host.lowercased())]" : host.lowercased()]
        if ["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"].contains(host) {
            hosts.formUnion(["127.0.0.1", "localhost", "[::1]"])
        }
        allowedHosts = hosts
        self.token = token
        var generator = SystemRandomNumberGenerator()
        session = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.map {
            String(repeating: "0", count: 16 - $0.count) + $0
        }.joined()
    }

    /// Why `request` may not be answered at all, if it may not.
    func refusal(of request: Request) -> String? {
        guard let host = request.head.authority.map(Self.hostName), allowedHosts.contains(host) else {
            return
                "requests must be addressed to this dashboard's host (\(allowedHosts.sorted().joined(separator: ", ")))"
        }
        return nil
    }

    /// Whether `request` presents the token (bearer header) or the session cookie of a login.
    func presentsToken(_ request: Request) -> Bool {
        guard let token else { return false }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.equal(Array(header.utf8.dropFirst(7)), Array(token.utf8))
        {
            return true
        }
        return cookie(in: request).map { Self.equal(Array($0.utf8), Array(session.utf8)) } ?? false
    }

    /// Why `request`, which changes something, is refused; nil when it may proceed.
    func changeRefusal(of request: Request) -> String? {
        guard token != nil else {
            return "this dashboard is read-only: start it with --token (or MLOPS_UI_TOKEN) to promote and roll back"
        }
        guard presentsToken(request) else {
            return "missing or wrong token: open the address `mlops ui` printed, or send Authorization: Bearer <token>"
        }
        if let name = Self.fetchSite, let site = request.headers[name], site != "same-origin", site != "none" {
            return "cross-site request refused (Sec-Fetch-Site: \(site))"
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://" + host else { return "cross-origin request refused (Origin: \(origin))" }
        }
        return nil
    }

    /// Whether `query`'s `token` is the dashboard's token (the login address).
    func isToken(_ candidate: String) -> Bool {
        guard let token else { return false }
        return Self.equal(Array(candidate.utf8), Array(token.utf8))
    }

    /// The `Set-Cookie` value that logs a browser in: sent back only to this host, never readable by scripts,
    /// never sent along from other sites.
    func loginCookie(for request: Request) -> String {
        "\(Self.cookieName(for: request))=\(session); Path=/; HttpOnly; SameSite=Strict"
    }

    /// `mlops_ui_<port>`, the port the request was addressed to.
    static func cookieName(for request: Request) -> String {
        let authority = request.head.authority ?? ""
        let port = authority.reversed().prefix { $0.isASCII && $0.isNumber }.reversed()
        return "mlops_ui_" + (port.isEmpty ? "80" : String(port))
    }

    private func cookie(in request: Request) -> String? {
        let name = Self.cookieName(for: request)
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }

    /// `127.0.0.1:8765` → `127.0.0.1`, `[::1]:8765` → `[::1]`, lowercased.
    static func hostName(_ header: String) -> String {
        let lowered = header.lowercased()
        if lowered.hasPrefix("[") { return lowered.firstIndex(of: "]").map { String(lowered[...$0]) } ?? lowered }
        return lowered.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? ""
    }

    /// Compares every byte whatever the first difference, so response times do not reveal the token.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
