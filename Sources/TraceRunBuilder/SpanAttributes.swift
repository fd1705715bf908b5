/// A span's attributes in the order they came, a key at most once (a repeated key replaces the earlier value, as
/// protobuf and a dictionary would). An array, not a dictionary: a span carries a handful, and a dictionary per
/// span was an allocation and a hash per key on the ingest path; the builder reads them in one pass
/// (`ConventionAttributes`).
public struct SpanAttributes: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Pair: Sendable, Hashable {
        public var key: String
        public var value: SpanValue
    }

    private var pairs: [Pair] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, SpanValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    public var isEmpty: Bool { pairs.isEmpty }
    public var count: Int { pairs.count }

    public mutating func reserveCapacity(_ capacity: Int) { pairs.reserveCapacity(capacity) }

    public subscript(key: String) -> SpanValue? {
        get { pairs.first { $0.key == key }?.value }
        set {
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                pairs.append(Pair(key: key, value: newValue))
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[Pair]> { pairs.makeIterator() }

    /// As a JSON object's members, keys sorted (how a generic step shows its attributes).
    public var sortedByKey: [(String, SpanValue)] {
        pairs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
