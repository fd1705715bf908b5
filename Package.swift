// swift-tools-version: 6.2
import PackageDescription

/// Our own targets treat every warning as an error (ignored by SwiftPM when flowtop is a remote dependency).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "flowtop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowtop", targets: ["flowtop"]),
        .library(name: "EventStream", targets: ["EventStream"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "EventStream", swiftSettings: strict),
        .executableTarget(
            name: "flowtop",
            dependencies: [
                "EventStream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EventStreamTests",
            dependencies: ["EventStream"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FlowtopCLITests",
            dependencies: ["flowtop"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
