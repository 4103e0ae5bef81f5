import Foundation

/// Debian's headless Chromium, for tests that check what a browser makes of a page the tool writes (the drift
/// report): the DOM after parsing, styles and any script, rather than the string the tool produced.
public enum HeadlessBrowser {
    /// Why the browser gave no DOM: not installed, timed out, or exited with an error.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, and what to do about it when there is something to do.
        public var description: String
    }

    /// The names the browser goes by (Debian installs `chromium`), looked up on `PATH` and then in `/usr/bin`.
    static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The browser's executable, or nil when none is installed.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        for name in names {
            for directory in directories {
                let candidate = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Opens the local file at `path` in headless Chromium and returns its DOM, serialized after the page loaded.
    /// Host names resolve nowhere, so a page that tried to load anything from the network would show it broken.
    /// The browser is killed after `timeout` seconds. Throws ``Failure`` when Chromium is not installed (run
    /// `scripts/bootstrap`), times out or fails.
    public static func dumpDOM(ofFile path: String, timeout: TimeInterval = 60) throws -> String {
        guard let executable else {
            throw Failure(
                description: "Chromium is not installed (looked for \(names.joined(separator: ", "))): run "
                    + "scripts/bootstrap, which installs it as the CI does")
        }
        // A profile of its own per run: parallel tests must not share Chromium's profile lock, and the user's
        // profile must not be touched.
        let profile = try TemporaryDirectory(prefix: "mlops-chromium")
        // Kept alive to the end: its release deletes the directory Chromium works in.
        defer { withExtendedLifetime(profile) {} }
        let outputPath = profile.url("dom.html")
        let errorPath = profile.url("stderr.txt")
        // Files rather than pipes: Chromium's helper processes inherit the outputs, and a pipe they hold open
        // would keep a reader waiting after the browser itself exited or was killed.
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            FileManager.default.createFile(atPath: errorPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath), let errors = FileHandle(forWritingAtPath: errorPath)
        else { throw Failure(description: "cannot create Chromium's output files in \(profile.path)") }
        defer {
            try? output.close()
            try? errors.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=" + profile.url("profile"), "--dump-dom", URL(fileURLWithPath: path).absoluteString,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            throw Failure(description: "Chromium did not finish within \(Int(timeout)) s on \(path)")
        }
        guard process.terminationStatus == 0 else {
            let log = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw Failure(
                description: "Chromium exited with status \(process.terminationStatus) on \(path): "
                    + String(log.suffix(2000)))
        }
        return try String(contentsOfFile: outputPath, encoding: .utf8)
    }
}
