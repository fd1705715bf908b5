/// The version `flowtop --version` prints; bumped with each release.
enum FlowtopVersion {
    static let current = "0.1.0"
}
