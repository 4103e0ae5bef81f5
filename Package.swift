// swift-tools-version:6.2
import PackageDescription

// Dependencies point one way (docs/architecture.md):
// mlops → MLOpsCLI → MLOpsUI → MLOpsServe → MLOpsMonitor → MLOpsCore → {MLOpsStore, MLOpsLearn} → {MLOpsErrors,
// MLOpsParallel}. Only MLOpsCLI imports ArgumentParser; nothing below it prints. Every target declares exactly the
// modules it imports: scripts/test builds with `--explicit-target-dependency-import-check error`.

/// Release builds on Linux link the Swift runtime and Foundation statically: every command starts a process, and resolving
/// thousands of symbols across the shared Swift libraries at each start cost more than the work of `status` on a
/// small repository (21 → 16 ms). The static Foundation archives need each other in an order the driver does not
/// add, hence the explicit list.
let staticRuntime =
    ["-static-stdlib"]
    + [
        "Foundation", "FoundationInternationalization", "FoundationEssentials", "CoreFoundation", "_FoundationICU",
        "_FoundationCShims", "_FoundationCollections", "swiftSynchronization", "swiftDispatch", "dispatch",
        "BlocksRuntime",
        "stdc++", "m",
    ].flatMap { ["-Xlinker", "-l" + $0] }

/// The commit this build comes from, for `mlops --version`: `MLOPS_BUILD_COMMIT` when set (scripts/install sets
/// it; a packager building from a tarball can), else SwiftPM's git information, "-dirty" when files were
/// uncommitted. SwiftPM evaluates this manifest again when its environment changes, not after every commit, so
/// a development build may name an earlier commit; an installed one never does.
let buildCommit = String(
    (Context.environment["MLOPS_BUILD_COMMIT"].flatMap { $0.isEmpty ? nil : $0 }
        ?? Context.gitInformation.map { $0.currentCommit + ($0.hasUncommittedChanges ? "-dirty" : "") }
        ?? "unknown")
        // It becomes a C string literal: only what a commit id and a suffix need.
        .filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }.prefix(80))

let package = Package(
    name: "mlops",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mlops", targets: ["mlops"]),
        .library(name: "MLOpsCore", targets: ["MLOpsCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .executableTarget(
            name: "mlops", dependencies: ["MLOpsCLI", "CICUSubset"],
            linkerSettings: [.unsafeFlags(staticRuntime, .when(platforms: [.linux], configuration: .release))]),
        .target(
            name: "MLOpsCLI",
            dependencies: [
                "MLOpsCore", "MLOpsServe", "MLOpsUI", "MLOpsMonitor", "MLOpsLearn", "MLOpsStore", "MLOpsErrors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "MLOpsUI",
            dependencies: [
                "MLOpsServe", "MLOpsCore", "MLOpsStore", "MLOpsErrors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.embedInCode("Assets/style.css"), .embedInCode("Assets/app.js")]
        ),
        .target(
            name: "MLOpsServe",
            dependencies: [
                "MLOpsCore", "MLOpsMonitor", "MLOpsLearn", "MLOpsErrors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(
            name: "MLOpsMonitor",
            dependencies: [
                "MLOpsCore", "MLOpsLearn", "MLOpsErrors", "MLOpsParallel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(
            name: "MLOpsCore",
            dependencies: [
                "MLOpsStore", "MLOpsLearn", "MLOpsErrors", "MLOpsParallel", "CGit2", "CArchive", "CBuildInfo",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "MLOpsStore",
            dependencies: [
                "MLOpsErrors", "MLOpsParallel", "CSyncFS", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(name: "CSyncFS"),
        // Only the static release binary uses it: the shared Foundation of a debug build keeps its own data.
        .target(name: "CICUSubset", exclude: ["data"], cSettings: [.headerSearchPath("data")]),
        .target(name: "CBuildInfo", cSettings: [.define("MLOPS_BUILD_COMMIT", to: "\"\(buildCommit)\"")]),
        .target(name: "MLOpsLearn", dependencies: ["MLOpsErrors", "MLOpsParallel", "CDenseLayer"]),
        .target(name: "CDenseLayer"),
        .target(name: "MLOpsErrors"),
        .target(name: "MLOpsParallel"),
        .systemLibrary(
            name: "CGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .executableTarget(
            name: "mlops-learn-benchmark", dependencies: ["MLOpsLearn", "MLOpsErrors"],
            path: "Benchmarks/LearnBenchmark"),
        .target(name: "MLOpsTestSupport", dependencies: ["MLOpsCLI", "MLOpsCore", "MLOpsLearn", "MLOpsErrors"]),
        .testTarget(
            name: "MLOpsStoreTests", dependencies: ["MLOpsStore", "MLOpsErrors", "MLOpsTestSupport", "CSyncFS"]),
        .testTarget(
            name: "MLOpsLearnTests", dependencies: ["MLOpsLearn", "MLOpsErrors", "MLOpsTestSupport", "CDenseLayer"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "MLOpsServeTests",
            dependencies: [
                "MLOpsServe", "MLOpsLearn", "MLOpsTestSupport", .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "MLOpsMonitorTests",
            dependencies: ["MLOpsMonitor", "MLOpsCore", "MLOpsLearn", "MLOpsErrors", "MLOpsTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "MLOpsCoreTests",
            dependencies: [
                "MLOpsCore", "MLOpsLearn", "MLOpsStore", "MLOpsErrors", "MLOpsTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "MLOpsUITests", dependencies: ["MLOpsUI", "MLOpsCore", "MLOpsErrors", "MLOpsTestSupport"]),
        .testTarget(
            name: "MLOpsCLITests", dependencies: ["MLOpsCLI", "MLOpsCore", "MLOpsErrors", "MLOpsTestSupport"],
            exclude: ["Fixtures"]),
    ]
)
