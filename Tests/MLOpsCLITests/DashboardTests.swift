import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// `mlops ui` as a real process on 127.0.0.1, through HTTP: the pages and the JSON API show the repository's
/// runs, models, data and pipeline as they are now; promote and rollback need the token and a same-origin
/// request; requests addressed to another host are refused. (What a browser makes of the pages is checked in a
/// real Chromium by `BrowserTests`.)
@Suite struct DashboardTests {
    static let token = "s3cret-token-for-tests"

    private static func port(_ server: RunningServer) throws -> Int {
        try #require(server.url.split(separator: ":").last.flatMap { Int($0) })
    }

    /// Sends `request` over a raw connection and returns the status line and headers (and body).
    private static func raw(_ server: RunningServer, _ request: String) throws -> String {
        let connection = try #require(RawConnection(port: try port(server)))
        connection.send(request)
        return connection.readUntilClosed(timeout: 10).text
    }

    /// Opens the login address over a raw connection and returns the `Cookie` header the browser would send.
    private static func login(_ server: RunningServer) throws -> String {
        let answer = try raw(
            server,
            "GET /?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1:\(try port(server))\r\nConnection: close\r\n\r\n")
        let line = try #require(
            answer.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: ") })
        return String(try #require(line.dropFirst("set-cookie: ".count).split(separator: ";").first))
    }

    @Test func pagesAndAPIShowTheRepositoryLive() async throws {
        let (directory, runIDs) = try await Fixtures.registry([[], ["--model", "linear"]], production: 1)
        let server = try RunningServer(["--token", Self.token], in: directory.path, command: "ui")
        defer { _ = server.stop() }
        #expect(server.startupEvents.last?["login"] as? String == server.url + "/?token=" + Self.token)

        let runs = try await server.request("GET", "/")
        #expect(runs.status == 200 && runs.header("Content-Type")?.hasPrefix("text/html") == true)
        for id in runIDs { #expect(runs.text.contains("data-id=\"\(id)\"")) }
        #expect(runs.header("Content-Security-Policy")?.contains("default-src 'none'") == true)

        let api = try await server.request("GET", "/api/runs?where=params.learner+%3D+linear")
        let listed = try api.json()
        #expect(api.status == 200 && listed["matched"] as? Int == 1)
        #expect((listed["runs"] as? [[String: Any]])?.first?["id"] as? String == runIDs[1])

        let bad = try await server.request("GET", "/api/runs?where=metrics.rmse+%3C%3C+1")
        #expect(bad.status == 400)
        #expect(((try bad.json()["error"]) as? [String: Any])?["code"] as? String == "usage")
        let inline = try await server.request("GET", "/?where=metrics.rmse+%3C%3C+1")
        #expect(inline.status == 200 && inline.text.contains("id=\"where-error\""))

        let run = try await server.request("GET", "/runs/\(runIDs[0])")
        #expect(run.status == 200 && run.text.contains("class=\"chart\"") && run.text.contains("mpg@1"))
        let compare = try await server.request("GET", "/compare?run=\(runIDs[0])&run=\(runIDs[1])")
        #expect(compare.status == 200 && compare.text.contains("<figure class=\"chart\""))
        #expect(compare.text.contains("class=\"differs\" data-key=\"learner\""))
        let model = try await server.request("GET", "/models/mpg")
        #expect(model.status == 200 && model.text.contains("class=\"event event-promote\""))
        #expect(model.text.contains("id=\"read-only\""), "a browser without the token sees no buttons")
        let data = try await server.request("GET", "/api/data")
        let targets = try #require(try data.json()["targets"] as? [[String: Any]])
        #expect(targets.map { $0["path"] as? String } == ["auto-mpg.csv"])
        #expect(try await server.request("GET", "/runs/ffffffff").status == 404)
        #expect(try await server.request("GET", "/serving?window=1y").status == 400)
        let serving = try await server.request("GET", "/api/serving?window=15m").json()
        #expect(serving["versions"] as? [Any] != nil && serving["bucket_seconds"] as? Double == 900.0 / 48)
        #expect(try await server.request("GET", "/pipeline").text.contains("has no mlops.yaml"))

        // Live: a run recorded now shows without a restart.
        let marker = try await server.request("GET", "/api/changes").json()["marker"] as? String
        let newRun = try await Fixtures.trainedRun(["--name", "later"], in: directory)
        let after = try await server.request("GET", "/api/runs?limit=1")
        #expect((try after.json()["runs"] as? [[String: Any]])?.first?["id"] as? String == newRun)
        #expect(try await server.request("GET", "/api/changes").json()["marker"] as? String != marker)
    }

    @Test func promoteAndRollbackNeedTheTokenAndASameOriginRequest() async throws {
        let directory = try await Fixtures.registry([[], ["--model", "linear"]], production: 1).directory
        let server = try RunningServer(["--token", Self.token], in: directory.path, command: "ui")
        defer { _ = server.stop() }
        let body: [String: Any] = ["alias": "production", "version": 2, "reason": "from the dashboard"]

        let anonymous = try await server.request("POST", "/api/models/mpg/promote", json: body)
        #expect(anonymous.status == 403)
        let wrong = try await server.request(
            "POST", "/api/models/mpg/promote", json: body, headers: ["Authorization": "Bearer wrong-token-1234"])
        #expect(wrong.status == 403)
        let crossSite = try await server.request(
            "POST", "/api/models/mpg/promote", json: body,
            headers: ["Authorization": "Bearer \(Self.token)", "Origin": "http://evil.example"])
        #expect(crossSite.status == 403 && crossSite.text.contains("cross-origin"))
        var production = try await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path)
        #expect((try production.json() as? [String: Any])?["version"] as? Int == 1, "nothing moved")

        let promoted = try await server.request(
            "POST", "/api/models/mpg/promote", json: body, headers: ["Authorization": "Bearer \(Self.token)"])
        #expect(promoted.status == 200)
        #expect(try promoted.json()["to_version"] as? Int == 2 && (try promoted.json()["changed"] as? Bool) == true)
        production = await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path)
        #expect((try production.json() as? [String: Any])?["version"] as? Int == 2)

        // The form, as a browser logged in with the cookie posts it from the model page.
        let fields = "alias=production&reason=oops+1"
        let form = try Self.raw(
            server,
            "POST /models/mpg/rollback HTTP/1.1\r\nHost: 127.0.0.1:\(try Self.port(server))\r\n"
                + "Origin: http://127.0.0.1:\(try Self.port(server))\r\nSec-Fetch-Site: same-origin\r\n"
                + "Cookie: \(try Self.login(server))\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: \(fields.utf8.count)\r\nConnection: close\r\n\r\n" + fields)
        #expect(form.hasPrefix("HTTP/1.1 200") && form.contains("id=\"action-result\""), "\(form.prefix(300))")
        production = await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path)
        #expect((try production.json() as? [String: Any])?["version"] as? Int == 1)
        let history = await CLIRunner.run(["model", "history", "mpg", "--json"], in: directory.path)
        #expect(history.standardOutput.contains("oops 1") && history.standardOutput.contains("from the dashboard"))

        // A refused change is shown on the page with its reason, and nothing moves.
        let refused = try await server.request(
            "POST", "/api/models/mpg/promote", json: ["alias": "production", "version": 9],
            headers: ["Authorization": "Bearer \(Self.token)"])
        #expect(refused.status == 404)
    }

    @Test func refusesOtherHostsChangesWhenReadOnlyAndLogsInWithTheToken() async throws {
        let directory = try await Fixtures.registry([[]], production: 1).directory
        // Tokens a cookie or a header could not carry whole are refused before anything listens.
        let short = await CLIRunner.run(["ui", "--token", "abc"], in: directory.path)
        #expect(short.exitCode == 64 && short.standardError.contains("at least 8"))
        let spaced = await CLIRunner.run(["ui"], in: directory.path, environment: ["MLOPS_UI_TOKEN": "a;b cdefghij"])
        #expect(spaced.exitCode == 64 && spaced.standardError.contains("MLOPS_UI_TOKEN"))
        let readOnly = try RunningServer([], in: directory.path, command: "ui")
        defer { _ = readOnly.stop() }
        let denied = try await readOnly.request(
            "POST", "/api/models/mpg/rollback", json: ["alias": "production"],
            headers: ["Authorization": "Bearer anything-at-all"])
        #expect(denied.status == 403 && denied.text.contains("read-only"))

        // DNS rebinding: a page of another site whose name resolves to 127.0.0.1.
        let rebound = try Self.raw(
            readOnly,
            "GET /api/runs HTTP/1.1\r\nHost: evil.example:\(try Self.port(readOnly))\r\nConnection: close\r\n\r\n")
        #expect(rebound.hasPrefix("HTTP/1.1 403"))
        let local = try Self.raw(
            readOnly,
            "GET /api/models HTTP/1.1\r\nHost: localhost:\(try Self.port(readOnly))\r\nConnection: close\r\n\r\n")
        #expect(local.hasPrefix("HTTP/1.1 200"))

        let server = try RunningServer(["--token", Self.token], in: directory.path, command: "ui")
        defer { _ = server.stop() }
        let host = "Host: 127.0.0.1:\(try Self.port(server))\r\nConnection: close\r\n\r\n"
        let login = try Self.raw(server, "GET /models/mpg?token=\(Self.token)&x=1 HTTP/1.1\r\n" + host)
        #expect(login.hasPrefix("HTTP/1.1 303"))
        #expect(login.contains("location: /models/mpg?x=1") || login.contains("Location: /models/mpg?x=1"))
        let cookie = try Self.login(server)
        #expect(cookie.hasPrefix("mlops_ui_\(try Self.port(server))=") && cookie.count == "mlops_ui_=".count + 5 + 64)
        #expect(!login.contains(Self.token), "the cookie holds a session, never the token")
        #expect(login.lowercased().contains("path=/; httponly; samesite=strict"))
        let elsewhere = try Self.raw(server, "GET //evil.example/?token=\(Self.token) HTTP/1.1\r\n" + host)
        #expect(elsewhere.hasPrefix("HTTP/1.1 303") && elsewhere.lowercased().contains("location: /evil.example/\r\n"))
        let wrong = try Self.raw(server, "GET /?token=nope HTTP/1.1\r\n" + host)
        #expect(wrong.hasPrefix("HTTP/1.1 403") && !wrong.lowercased().contains("set-cookie"))
        let page = try Self.raw(server, "GET /models/mpg HTTP/1.1\r\nCookie: \(cookie)\r\n" + host)
        #expect(page.contains("<form id=\"promote\""))
        let tooBig = try Self.raw(
            server,
            "POST /api/models/mpg/promote HTTP/1.1\r\nAuthorization: Bearer \(Self.token)\r\nContent-Length: 70000\r\n"
                + host + String(repeating: "x", count: 70_000))
        #expect(tooBig.hasPrefix("HTTP/1.1 413") && tooBig.contains(#""code":"usage""#))
        let unknown = try await server.request("GET", "/api/nope")
        let unknownError = try unknown.json()["error"] as? [String: Any]
        #expect(unknown.status == 404 && unknownError?["code"] as? String == "notFound")
    }

    @Test func hostileFiltersAndBrokenRepositoriesAreAnsweredNotFatal() async throws {
        let directory = try await Fixtures.registry([[]]).directory
        let server = try RunningServer([], in: directory.path, command: "ui")
        defer { _ = server.stop() }
        // Nested deeper than the parser recurses, and longer than it evaluates: refused by name.
        let deep = String(repeating: "(", count: 5_000)
        let nested = try await server.request("GET", "/api/runs?where=" + deep)
        #expect(nested.status == 400 && nested.text.contains("nested"))
        let chain = Array(repeating: "metrics.rmse+%3E+0", count: 400).joined(separator: "+and+")
        #expect(try await server.request("GET", "/?where=" + chain).text.contains("more than 256 comparisons"))
        // A pointer file that cannot be read is the data page's error, not a dead server.
        try Fixtures.write("garbage: [\n", to: directory.url("auto-mpg.csv.mlops"))
        let data = try await server.request("GET", "/data")
        #expect(
            data.status >= 400 && data.text.contains("auto-mpg.csv.mlops"), "\(data.status) \(data.text.prefix(400))")
        #expect(data.header("Content-Security-Policy") != nil)
        let dataAPI = try await server.request("GET", "/api/data")
        let dataError = try dataAPI.json()["error"] as? [String: Any]
        #expect(dataAPI.status >= 400 && dataError?["message"] != nil)
        #expect(try await server.request("GET", "/api/runs").status == 200, "still serving")
    }
}
