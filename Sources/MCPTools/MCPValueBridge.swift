import Foundation
import MCP
import WorkflowCore

/// flowtop's JSON values and the MCP SDK's, both ways: schemas arrive as `MCP.Value`, arguments leave as it.
extension JSONValue {
    init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case let .bool(flag): self = .bool(flag)
        case let .int(number): self = .number(Double(number))
        case let .double(number): self = .number(number)
        case let .string(text): self = .string(text)
        case let .data(mimeType, data): self = .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case let .array(items): self = .array(items.map(JSONValue.init))
        case let .object(fields): self = .object(fields.mapValues(JSONValue.init))
        }
    }

    var mcpValue: MCP.Value {
        switch self {
        case .null: return .null
        case let .bool(flag): return .bool(flag)
        case let .number(number):
            // Whole numbers go as integers: servers whose schema says "integer" reject 3.0 in some languages.
            if number.rounded() == number, abs(number) < 9e15 { return .int(Int(number)) }
            return .double(number)
        case let .string(text): return .string(text)
        case let .array(items): return .array(items.map(\.mcpValue))
        case let .object(fields): return .object(fields.mapValues(\.mcpValue))
        }
    }
}
