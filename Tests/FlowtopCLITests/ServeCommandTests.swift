import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `flowtop serve` as a process: it says where it listens, serves the sample's request, checks the API key from
/// the environment, and exits cleanly on SIGTERM.
extension FlowtopBinaryTests {
@Suite("flowtop serve")
struct ServeCommandTests {
    /// Starts `flowtop serve` and returns the process and its port once it has printed its listening line.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Int, String) {
        let process = Process()
        process.executableURL = FlowtopBinary.url
        process.arguments = ["serve", "--port", "0"] + arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "FLOWTOP_PROVIDER"] { env[key] = nil }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while !line.contains(0x0A) {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += data
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "no listening line: \(text)"])
        }
        return (process, port, text)
    }

    static func post(_ port: Int, key: String?) async throws -> (UInt, String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "x-functions-key", value: key) }
        request.body = .bytes(ByteBuffer(string: #"{"message":"Research Seattle weather and create a report"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, String(buffer: body))
    }

    @Test func servesTheSamplesRequestChecksTheKeyAndStopsOnSIGTERM() async throws {
        let (process, port, line) = try Self.start(["--pace", "instant"], environment: ["FLOWTOP_API_KEY": "k3y"])
        defer { if process.isRunning { process.terminate() } }
        #expect(line.contains("listening on http://127.0.0.1:\(port)"))
        #expect(line.contains("API key required"))
        let (denied, _) = try await Self.post(port, key: nil)
        #expect(denied == 401)
        let (status, body) = try await Self.post(port, key: "k3y")
        #expect(status == 200)
        #expect(body.hasPrefix("event: workflow_started\nid: 1\n"))
        #expect(body.contains("event: done\n"))
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }
}
}
