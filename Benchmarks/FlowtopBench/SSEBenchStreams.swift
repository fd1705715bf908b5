#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generated event streams that look like what LLM workflows send.
enum SSEBenchStreams {
    private static let words = [
        " the", " weather", " in", " Seattle", " is", " cloudy", " with", " light", " rain", " and", " a", " high",
        " of", " 12", "°C", ".", " Tomorrow", " looks", " brighter", " 🌦",
    ]

    static func tokens(count: Int) -> (bytes: [UInt8], events: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(count * 64)
        for index in 0..<count {
            if index % 500 == 499 { out.append(contentsOf: ": keepalive\n\n".utf8) }
            if index % 100 == 99 {
                out.append(contentsOf: "id: \(index)\nevent: tool_call\n".utf8)
                out.append(
                    contentsOf: #"data: {"agent":"Researcher","callId":"call_\#(index)","tool":"get_weather","arguments":{"location":"Seattle"}}"#
                        .utf8)
                out.append(contentsOf: "\n\n".utf8)
            } else {
                out.append(contentsOf: "id: \(index)\n".utf8)
                out.append(contentsOf: #"data: {"agent":"Researcher","text":"\#(words[index % words.count])"}"#.utf8)
                out.append(contentsOf: "\n\n".utf8)
            }
        }
        return (out, count)
    }

    static func large(count: Int, dataSize: Int) -> (bytes: [UInt8], events: Int) {
        let prefix = Array(#"{"agent":"Writer","text":""#.utf8)
        var payload = prefix
        let filler = Array("Rain drums softly on the harbour; gulls argue over the ferry wake. ".utf8)
        while payload.count < dataSize - 2 { payload.append(filler[(payload.count - prefix.count) % filler.count]) }
        payload.append(contentsOf: #""}"#.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * (dataSize + 24))
        for index in 0..<count {
            out.append(contentsOf: "id: \(index)\ndata: ".utf8)
            out.append(contentsOf: payload)
            out.append(contentsOf: "\n\n".utf8)
        }
        return (out, count)
    }

    static func countNewlines(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard var cursor = UnsafeRawPointer(buffer.baseAddress) else { return 0 }
            let end = cursor + buffer.count
            var found = 0
            while cursor < end, let hit = memchr(cursor, 0x0A, end - cursor) {
                found += 1
                cursor = UnsafeRawPointer(hit) + 1
            }
            return found
        }
    }
}
