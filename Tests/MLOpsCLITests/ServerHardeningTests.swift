import Foundation
import MLOpsTestSupport
import Testing

/// `mlops serve` under hostile clients and a bad model, over raw sockets on 127.0.0.1: slow heads and bodies
/// get 408, idle connections are closed, connections over the limit get 503, wrong methods 405, and a version
/// that cannot be loaded never replaces the one serving. Before these fixes every connection stayed open
/// forever, and promoting a broken model killed the server.
@Suite(.serialized) struct ServerHardeningTests {
    /// A repository with `mpg@1` and `mpg@2` (two small models), `production` on 1.
    private func registry() async throws -> TemporaryDirectory {
        try await Fixtures.registry([["--param", "rounds=5"], ["--param", "rounds=6"]], production: 1).directory
    }

    private static let row =
        #"{"dataframe_records": [{"cylinders": 4, "displacement": 97, "horsepower": 88, "weight": 2130, "acceleration": 14.5, "year": 71, "origin": 3, "name": "datsun 1200"}]}"#

    @Test func slowAndIdleConnectionsAreClosedAndTheServerKeepsServing() async throws {
        let directory = try await registry()
        let server = try RunningServer(
            [
                "mpg@production", "--header-timeout", "1", "--body-timeout", "1.5", "--idle-timeout", "1",
            ],
            in: directory.path)
        let port = try #require(Int(server.url.split(separator: ":").last ?? ""))
        func connect() throws -> RawConnection { try #require(RawConnection(port: port)) }

        let halfHead = try connect()
        halfHead.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n")
        let head = halfHead.readUntilClosed(timeout: 5)
        #expect(head.text.hasPrefix("HTTP/1.1 408"), "\(head.text)")
        #expect((head.closedAfter ?? 99) < 3)

        let halfBody = try connect()
        halfBody.send(
            "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{\"data"
        )
        let body = halfBody.readUntilClosed(timeout: 5)
        #expect(body.text.hasPrefix("HTTP/1.1 408"), "\(body.text)")

        // A body trickled a byte at a time is cut off by the total body timeout, not kept alive by each byte.
        let trickle = try connect()
        trickle.send("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n")
        // Counted in sends, not seconds: a busy test machine may sleep longer, which only makes the server's
        // deadline come sooner in sends.
        var sends = 0
        while sends < 40, trickle.send(" ") {
            sends += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(sends < 40, "a body trickled for 8 s held the connection")

        let keptAlive = try connect()
        keptAlive.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        let idle = keptAlive.readUntilClosed(timeout: 5)
        #expect(idle.text.hasPrefix("HTTP/1.1 200"), "\(idle.text)")
        #expect((idle.closedAfter ?? 99) < 3, "an idle kept-alive connection stayed open")

        let wrongMethod = try await server.request("DELETE", "/invocations")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "POST")
        let answer = try await server.request("POST", "/invocations", body: Data(Self.row.utf8))
        #expect(answer.status == 200, "\(answer.text)")
        _ = server.stop()
    }

    /// Connections over the limit get 503 while the others are held, and places free up when they close. The
    /// head timeout is long here, so held connections stay for as long as a busy machine needs.
    @Test func connectionsOverTheLimitGet503() async throws {
        let directory = try await registry()
        let server = try RunningServer(
            ["mpg@production", "--header-timeout", "30", "--max-connections", "4"], in: directory.path)
        let port = try #require(Int(server.url.split(separator: ":").last ?? ""))
        var held: [RawConnection]? = try (0..<4).map { _ in try #require(RawConnection(port: port)) }
        usleep(200_000)  // blocking, not a task sleep: the server must see the four before the fifth
        let excess = try #require(RawConnection(port: port)).readUntilClosed(timeout: 5)
        #expect(excess.text.hasPrefix("HTTP/1.1 503"), "\(excess.text)")
        #expect(held?.count == 4)
        held = nil  // closes them; their places free up as the server sees each close
        var status = 0
        for _ in 0..<50 where status != 200 {
            status = try await server.request("POST", "/invocations", body: Data(Self.row.utf8)).status
            if status != 200 { usleep(100_000) }
        }
        #expect(status == 200, "places did not free up after the held connections closed")
        _ = server.stop()
    }

    @Test func aVersionThatCannotLoadNeverReplacesTheOneServing() async throws {
        let directory = try await registry()
        let server = try RunningServer(["mpg@production", "--poll", "0.1"], in: directory.path)
        let before = try await server.request("POST", "/invocations", body: Data(Self.row.utf8))
        #expect(before.status == 200)

        // Version 2 as an older mlops could have registered it, with a feature listed twice (which crashed the
        // server when an alias moved to it): stored whole under its true id, so only the loader can refuse it.
        let shown = await CLIRunner.run(["model", "show", "mpg@2", "--json"], in: directory.path)
        let oid = try #require((try shown.json() as? [String: Any])?["oid"] as? String)
        func objectPath(_ oid: String) -> String {
            let hex = oid.dropFirst("sha256:".count)
            return directory.url(".mlops/objects/sha256/\(hex.prefix(2))/\(hex.dropFirst(2))")
        }
        let damaged = try Fixtures.read(objectPath(oid)).replacingOccurrences(
            of: #""name":"displacement""#, with: #""name":"cylinders""#)
        try Fixtures.write(damaged, to: directory.url("damaged.json"))
        let damagedOid = "sha256:" + (try Fixtures.sha256sum(directory.url("damaged.json")))
        try FileManager.default.createDirectory(
            atPath: (objectPath(damagedOid) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Fixtures.write(damaged, to: objectPath(damagedOid))
        let update = try CLIRunner.execute(
            program: "/usr/bin/python3",
            [
                "-c",
                // Versions are immutable (a trigger refuses the update), so damage from outside mlops drops it first.
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TRIGGER model_versions_do_not_change'); "
                    + "c.execute('UPDATE model_versions SET oid=? WHERE version=2', (sys.argv[2],)); c.commit()",
                directory.url(".mlops/mlops.db"), damagedOid,
            ], in: directory.path)
        #expect(update.exitCode == 0, "\(update.standardError)")
        #expect(
            await CLIRunner.run(["model", "promote", "mpg@2", "--to", "production"], in: directory.path).exitCode == 0)
        #expect(server.waitForEvent("refresh_failed", timeout: 30) != nil, "the server never tried the new version")

        let after = try await server.request("POST", "/invocations", body: Data(Self.row.utf8))
        #expect(after.status == 200, "\(after.text)")
        #expect(after.body == before.body, "the answer changed: a broken version was swapped in")
        // The server keeps polling: a good version promoted next is swapped in. Every poll in between saw the
        // broken version still holding the alias, and none may load or report it again.
        let third = try await Fixtures.trainedRun(["--param", "rounds=7"], in: directory)
        #expect(
            await CLIRunner.run(["model", "register", "run:" + third, "--name", "mpg"], in: directory.path).exitCode
                == 0)
        #expect(
            await CLIRunner.run(["model", "promote", "mpg@3", "--to", "production"], in: directory.path).exitCode == 0)
        let swapped = server.waitForEvent("swapped", timeout: 30)
        #expect(swapped?["version"] as? Int == 3, "\(String(describing: swapped))")
        let events = server.stop()
        let failure = try #require(events.first { $0["event"] as? String == "refresh_failed" }, "\(events)")
        #expect((failure["message"] as? String)?.contains("feature 'cylinders' is listed twice") == true, "\(failure)")
        #expect(!events.contains { $0["event"] as? String == "swapped" && $0["version"] as? Int == 2 })
        // Reported once and loaded once, not on every poll (training the third version took several polls).
        #expect(events.filter { $0["event"] as? String == "refresh_failed" }.count == 1, "\(events)")
    }
}
