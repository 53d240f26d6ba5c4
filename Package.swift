// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "QualKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qualkit", targets: ["qualkit"]),
        .library(name: "QualKit", targets: ["QualKit"]),
        .library(name: "QualKitXML", targets: ["QualKitXML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // The system libxml2 (Debian: libxml2-dev). Only QualKitXML imports it.
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // Our own XSDs, embedded in the binary so `qualkit` works wherever it is copied.
        .target(
            name: "QualKitSchemas",
            path: "Schemas",
            exclude: ["README.md"],
            resources: [
                .embedInCode("QuestionForm-2005-10-01.xsd"),
                .embedInCode("QuestionForm-2017-11-06.xsd"),
                .embedInCode("AnswerKey-2005-10-01.xsd"),
                .embedInCode("QuestionFormAnswers-2005-10-01.xsd"),
                .embedInCode("FormattedContentXHTMLSubset-2006-07-14.xsd"),
                .embedInCode("xml.xsd"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "QualKitXML",
            dependencies: ["CLibXML2", "QualKitSchemas"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "QualKit",
            dependencies: ["QualKitXML"],
            swiftSettings: swiftSettings
        ),
        // Exact AnswerKey scoring, batch scoring, item analysis (pure: bytes and values in, values out).
        // JSON string escapes, shared by the byte-level JSON readers of scoring and accuracy.
        .target(name: "JSONEscapes", swiftSettings: swiftSettings),
        .target(
            name: "QualKitScoring",
            dependencies: ["QualKit", "JSONEscapes"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitScoringTests",
            dependencies: ["QualKitScoring", "JSONEscapes", "QualKitTestSupport"],
            swiftSettings: swiftSettings
        ),
        // HTML rendering of QuestionForms: `qualkit preview` and the worker pages of `qualkit serve` (pure).
        .target(
            name: "QualKitRender",
            dependencies: ["QualKit", "QualKitScoring"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitRenderTests",
            dependencies: ["QualKitRender", "QualKitTestSupport"],
            exclude: ["Goldens", "Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Benchmark: libxml2 parsing the answer documents and nothing else (Benchmarks/scoring/run.sh).
        .executableTarget(
            name: "qualkit-parse-floor",
            dependencies: ["QualKit", "QualKitXML", "QualKitScoring"],
            path: "Benchmarks/scoring/ParseFloor",
            swiftSettings: swiftSettings
        ),
        // Benchmarks/serve: signed requester calls from N connections against a running `qualkit serve`.
        .executableTarget(
            name: "qualkit-load",
            dependencies: [
                "MTurkAPI", "MTurkClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/serve/LoadGenerator",
            swiftSettings: swiftSettings
        ),
        // The wire: request/response shapes, errors, limits and SigV4, shared by client and server.
        .target(
            name: "MTurkAPI",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MTurkAPITests",
            dependencies: ["MTurkAPI", "QualKitTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The MTurk requester API client: credentials, signing, retries, pagination.
        .target(
            name: "MTurkClient",
            dependencies: [
                "MTurkAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MTurkClientTests",
            dependencies: ["MTurkClient"],
            swiftSettings: swiftSettings
        ),
        // `qualkit serve`: the MTurk-compatible requester API over a store (SQLite by default).
        .target(
            name: "QualKitServer",
            dependencies: [
                "MTurkAPI", "QualKit", "QualKitScoring", "QualKitRender",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitServerTests",
            dependencies: ["QualKitServer", "QualKit", "MTurkAPI", "QualKitTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Bulk grants, the qualkit.lock ledger and other workflows the API commands share.
        .target(
            name: "QualKitOperations",
            dependencies: ["QualKit", "QualKitScoring", "MTurkAPI", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitOperationsTests",
            dependencies: ["QualKitOperations"],
            swiftSettings: swiftSettings
        ),
        // `qualkit accuracy`: gold-standard worker accuracy of labelling jobs (Ground Truth, MTurk batches), Dawid–Skene.
        // The getdents64 system call (variadic `syscall` is out of Swift's reach): bulk folder listing on Linux.
        .target(name: "CDirectoryListing", path: "Sources/CDirectoryListing"),
        .target(
            name: "QualKitAccuracy",
            dependencies: ["CDirectoryListing", "JSONEscapes"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitAccuracyTests",
            dependencies: ["QualKitAccuracy", "QualKitOperations", "QualKitTestSupport"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qualkit",
            dependencies: [
                "QualKit",
                "QualKitAccuracy",
                "QualKitScoring",
                "QualKitOperations",
                "QualKitRender",
                "QualKitServer",
                "MTurkClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "QualKitTestSupport",
            dependencies: ["QualKit"],
            path: "Tests/QualKitTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitXMLTests",
            dependencies: ["QualKitXML", "QualKitTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitTests",
            dependencies: ["QualKit", "QualKitTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualKitCLITests",
            dependencies: ["qualkit", "QualKitTestSupport", "QualKitServer"],
            swiftSettings: swiftSettings
        ),
    ]
)
