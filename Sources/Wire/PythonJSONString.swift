/// JSON string literals as Python's `json.dumps` writes them (its default `ensure_ascii=True`): the Agent
/// Framework sample's server produces its `text` stream that way, so matching it keeps the bytes identical.
public enum PythonJSONString {
    public static func quote(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(contentsOf: [0x5C, 0x22])
            case "\\": output.append(contentsOf: [0x5C, 0x5C])
            case "\n": output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case "\r": output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case "\t": output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case "\u{08}": output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case "\u{0C}": output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        appendEscape(0xD800 + (value >> 10), into: &output)
                        appendEscape(0xDC00 + (value & 0x3FF), into: &output)
                    } else {
                        appendEscape(scalar.value, into: &output)
                    }
                } else {
                    output.append(UInt8(scalar.value))
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ unit: UInt32, into output: inout [UInt8]) {
        output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }
}
