// swift-tools-version: 6.2
// Casebook: an offline-first, end-to-end encrypted casebook for counselling and mentoring records.
// Layering (checked by Scripts/check-layering): Models < Crypto, Redaction < Storage < Sync, Export < Server, UI < Apps.
import PackageDescription

// MARK: - Shared settings

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// MARK: - Dependencies

let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let hummingbirdTLS = Target.Dependency.product(name: "HummingbirdTLS", package: "hummingbird")
let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let zipFoundation = Target.Dependency.product(name: "ZIPFoundation", package: "ZIPFoundation")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let configuration = Target.Dependency.product(name: "Configuration", package: "swift-configuration")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let propertyBased = Target.Dependency.product(name: "PropertyBased", package: "swift-property-based")

func module(_ name: String, _ dependencies: [Target.Dependency] = [], resources: [Resource]? = nil) -> Target {
    .target(name: name, dependencies: dependencies, path: "Modules/\(name)", resources: resources, swiftSettings: swiftSettings)
}

func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, path: "Tests/\(name)", swiftSettings: swiftSettings)
}

let package = Package(
    name: "casebook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "casebook", targets: ["casebook"]),
        .executable(name: "casebook-server", targets: ["casebook-server"]),
        .executable(name: "casebook-bench", targets: ["casebook-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // MARK: - Modules
        module("CasebookModels"),
        module("CasebookCrypto", ["CasebookModels", crypto, cryptoExtras]),
        module("CasebookRedaction"),
        module("CasebookStorage", ["CasebookModels", "CasebookCrypto", "CasebookRedaction", grdb]),
        module("CasebookSync", ["CasebookModels", "CasebookCrypto", "CasebookStorage", asyncHTTPClient]),
        module("CasebookServer", [
            "CasebookModels", "CasebookCrypto", "CasebookSync", grdb, hummingbird, hummingbirdTLS, postgresNIO, crypto,
            logging, metrics, prometheus, serviceLifecycle, configuration,
        ]),
        .systemLibrary(name: "CCasebookZlib", path: "Modules/CCasebookZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        module("CasebookExport", ["CasebookModels", "CasebookCrypto", "CasebookStorage", "CasebookRedaction", "CCasebookZlib", zipFoundation, crypto, cryptoExtras]),
        // The local web app (`casebook ui`, issue 14, ADR 0023): above Sync and Export, below the apps.
        module("CasebookUI", ["CasebookModels", "CasebookCrypto", "CasebookRedaction", "CasebookStorage", "CasebookSync", "CasebookExport", hummingbird, logging]),
        module("CasebookTestSupport", ["CasebookModels", "CasebookCrypto", "CasebookStorage"]),
        // The real sync server on loopback for client tests, and the hostile-store decorator (ADR 0016).
        module("CasebookServerTestSupport", ["CasebookModels", "CasebookCrypto", "CasebookSync", "CasebookServer", configuration, logging,
                                             serviceLifecycle]),

        // MARK: - Apps
        .executableTarget(
            name: "casebook",
            dependencies: ["CasebookModels", "CasebookCrypto", "CasebookStorage", "CasebookRedaction", "CasebookSync", "CasebookExport", "CasebookUI", argumentParser, logging,
                           hummingbird],
            path: "Apps/casebook", swiftSettings: swiftSettings),
        .executableTarget(
            name: "casebook-server",
            dependencies: ["CasebookServer", "CasebookModels", argumentParser, logging, configuration, serviceLifecycle, hummingbird, metrics, prometheus],
            path: "Apps/casebook-server", swiftSettings: swiftSettings),
        .executableTarget(
            name: "casebook-bench",
            dependencies: ["CasebookModels", "CasebookCrypto", "CasebookStorage", "CasebookRedaction", "CasebookSync", "CasebookServer", "CasebookExport", "CasebookTestSupport", grdb, argumentParser,
                           asyncHTTPClient, hummingbird, configuration, serviceLifecycle, crypto, logging],
            path: "Apps/casebook-bench", swiftSettings: swiftSettings),

        // MARK: - Tests
        tests("CasebookModelsTests", ["CasebookModels", "CasebookTestSupport", propertyBased]),
        tests("CasebookCryptoTests", ["CasebookCrypto", "CasebookTestSupport", propertyBased]),
        tests("CasebookRedactionTests", ["CasebookRedaction", propertyBased]),
        tests("CasebookStorageTests", ["CasebookStorage", "CasebookTestSupport", propertyBased, grdb]),
        tests("CasebookSyncTests", ["CasebookSync", "CasebookServer", "CasebookServerTestSupport", "CasebookTestSupport", propertyBased,
                                    hummingbirdTesting]),
        tests("CasebookServerTests", [
            "CasebookServer", "CasebookServerTestSupport", "CasebookSync", "CasebookTestSupport", hummingbirdTesting, crypto, postgresNIO, grdb,
            configuration, logging, asyncHTTPClient,
        ]),
        tests("CasebookExportTests", ["CasebookExport", "CasebookTestSupport"]),
        tests("CasebookUITests", ["CasebookUI", "CasebookStorage", "CasebookCrypto", "CasebookRedaction", "CasebookSync", "CasebookExport", "CasebookTestSupport",
                                  "CasebookServerTestSupport", hummingbirdTesting, logging]),
        tests("CasebookEndToEndTests", ["CasebookTestSupport"]),
    ]
)

// MARK: - Fuzz targets (issue 16; built only by Scripts/fuzz, which sets CASEBOOK_FUZZ=1 and uses .build-fuzz)
// Each is a libFuzzer entry point (`LLVMFuzzerTestOneInput`), linked with -sanitize=fuzzer,address.
// The normal build never sees them, so it is unchanged.
if Context.environment["CASEBOOK_FUZZ"] == "1" {
    func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
        .executableTarget(name: name, dependencies: dependencies, path: "Fuzz/\(name)", swiftSettings: swiftSettings)
    }
    package.targets += [
        fuzzTarget("fuzz-models", ["CasebookModels"]),
        fuzzTarget("fuzz-redaction", ["CasebookRedaction"]),
        fuzzTarget("fuzz-crypto", ["CasebookModels", "CasebookCrypto", crypto]),
        fuzzTarget("fuzz-sync", ["CasebookModels", "CasebookCrypto", "CasebookStorage", "CasebookSync"]),
        fuzzTarget("fuzz-export", ["CasebookExport"]),
        fuzzTarget("fuzz-server", ["CasebookModels", "CasebookCrypto", "CasebookSync", "CasebookServer", hummingbird, hummingbirdTesting,
                                   configuration, logging, crypto]),
    ]
}
