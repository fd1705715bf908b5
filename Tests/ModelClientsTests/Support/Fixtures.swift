import Foundation
import LoopbackHTTP

/// The recorded llama.cpp captures in `Fixtures/` (copied from `/work/shared/captures`).
enum Fixture {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// The capture `name` replayed with its recorded status and headers, the body cut into `chunkSize` pieces.
    static func response(_ name: String, chunkSize: Int? = nil) throws -> ScriptedResponse {
        try ScriptedResponse(recordedHead: text(name + ".headers"), body: bytes(name), chunkSize: chunkSize)
    }

    /// The `data:` payloads of an SSE capture, in order (the captures use one `data:` line per event).
    static func dataPayloads(_ name: String) throws -> [String] {
        try text(name).split(separator: "\n").compactMap { line in
            line.hasPrefix("data: ") ? String(line.dropFirst("data: ".count)) : nil
        }
    }
}
