/// How much one OTLP request may carry: the body as sent, and after gzip.
public struct OTLPLimits: Sendable {
    public var maxBodyBytes: Int
    public var maxDecompressedBytes: Int

    public init(maxBodyBytes: Int = 8 << 20, maxDecompressedBytes: Int = 32 << 20) {
        self.maxBodyBytes = maxBodyBytes
        self.maxDecompressedBytes = maxDecompressedBytes
    }
}
