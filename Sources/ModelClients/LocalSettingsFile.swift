import Foundation
import WorkflowCore

/// The Azure Functions `local.settings.json` (`{"IsEncrypted": false, "Values": {...}}`) that the Agent Framework
/// samples keep their endpoint and deployment in. Reading it lets flowtop run next to such a sample unchanged.
public enum LocalSettingsFile {
    public static let fileName = "local.settings.json"

    /// The file's `Values`, as strings (numbers and booleans are written out; nulls are dropped).
    public static func values(at url: URL) throws -> [String: String] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw failure("cannot read \(url.path): \(error.localizedDescription)")
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw failure("\(url.path) is not valid JSON: \(error)")
        }
        guard document.objectValue != nil else { throw failure("\(url.path) does not hold a JSON object") }
        if case .bool(true) = document["IsEncrypted"] {
            throw failure("\(url.path) is encrypted (IsEncrypted: true); decrypt it with `func settings decrypt`")
        }
        guard let values = document["Values"] else { return [:] }
        guard let fields = values.objectValue else { throw failure("\(url.path): \"Values\" is not an object") }
        return fields.compactMapValues { value in
            switch value {
            case let .string(text): text
            case let .bool(flag): flag ? "true" : "false"
            case .number: value.jsonText
            case .null, .array, .object: nil
            }
        }
    }

    /// `environment` with the file's values added where the environment lacks a key (or has it empty). A missing
    /// file, or a nil `url`, changes nothing; an unreadable or malformed one is an error.
    public static func environment(_ environment: [String: String], addingValuesFrom url: URL?) throws
        -> [String: String]
    {
        guard let url, FileManager.default.fileExists(atPath: url.path) else { return environment }
        var merged = environment
        for (key, value) in try values(at: url) where (merged[key] ?? "").isEmpty {
            merged[key] = value
        }
        return merged
    }

    private static func failure(_ message: String) -> ChatClientError {
        ChatClientError(kind: .configuration, provider: fileName, message: message)
    }
}
