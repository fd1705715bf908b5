import Foundation

/// The tools workflow files can name. `get_weather` is simulated (deterministic per place, like the Agent Framework
/// sample's own tool); `get_time` reads the real clock.
public enum BuiltinTools {
    public static let names = ["get_weather", "get_time", "send_report"]

    /// The tool called `name`, with `latency` added to each call to make demos believable; nil for an unknown name.
    public static func named(_ name: String, latency: Duration = .zero) -> Tool? {
        switch name {
        case "get_weather": return weather(latency: latency)
        case "get_time": return time(latency: latency)
        case "send_report": return sendReport(latency: latency)
        default: return nil
        }
    }

    static func weather(latency: Duration) -> Tool {
        Tool(
            name: "get_weather",
            description: "Get the current weather for a location.",
            parameters: [
                "type": "object",
                "properties": ["location": ["type": "string", "description": "A city or place name"]],
                "required": ["location"],
            ]
        ) { arguments in
            guard let location = arguments["location"]?.stringValue?.trimmingCharacters(in: .whitespaces),
                !location.isEmpty
            else { throw ToolError("location is required, e.g. {\"location\": \"Seattle\"}") }
            if latency > .zero { try await Task.sleep(for: latency) }
            return simulatedWeather(for: location)
        }
    }

    /// Weather that is the same for the same place on every run, so demos and tests are repeatable.
    static func simulatedWeather(for location: String) -> String {
        let conditions = ["light rain", "sunny", "overcast", "drizzle", "partly cloudy", "clear skies", "fog", "showers"]
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in location.lowercased().utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let condition = conditions[Int(hash % UInt64(conditions.count))]
        let temperature = Int((hash >> 8) % 25) + 3
        let wind = Int((hash >> 16) % 30) + 5
        let humidity = Int((hash >> 24) % 50) + 40
        return "\(location): \(temperature)°C, \(condition), wind \(wind) km/h, humidity \(humidity)%."
    }

    /// Pretends to send a report (nothing leaves the machine): the approval preset's call worth asking about.
    static func sendReport(latency: Duration) -> Tool {
        Tool(
            name: "send_report",
            description: "Send a report to a recipient (simulated: nothing is sent).",
            parameters: [
                "type": "object",
                "properties": [
                    "to": ["type": "string", "description": "Who receives the report"],
                    "summary": ["type": "string", "description": "The report's text"],
                ],
                "required": ["to", "summary"],
            ]
        ) { arguments in
            guard let to = arguments["to"]?.stringValue, !to.isEmpty else {
                throw ToolError("to is required, e.g. {\"to\": \"team@example.com\", \"summary\": \"…\"}")
            }
            if latency > .zero { try await Task.sleep(for: latency) }
            let words = (arguments["summary"]?.stringValue ?? "").split(whereSeparator: \.isWhitespace).count
            return "Report sent to \(to) (\(words) words)."
        }
    }

    static func time(latency: Duration) -> Tool {
        Tool(
            name: "get_time",
            description: "Get the current local time in a city or IANA time zone (e.g. Europe/Paris).",
            parameters: [
                "type": "object",
                "properties": ["location": ["type": "string", "description": "A city or IANA time zone"]],
                "required": ["location"],
            ]
        ) { arguments in
            guard let location = arguments["location"]?.stringValue, !location.isEmpty else {
                throw ToolError("location is required, e.g. {\"location\": \"Tokyo\"}")
            }
            if latency > .zero { try await Task.sleep(for: latency) }
            guard let zone = timeZone(for: location) else {
                throw ToolError("unknown time zone or city: \(location); try an IANA name such as America/New_York")
            }
            let formatter = DateFormatter()
            formatter.timeZone = zone
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "EEEE HH:mm"
            return "\(location): \(formatter.string(from: Date())) (\(zone.identifier))"
        }
    }

    static func timeZone(for location: String) -> TimeZone? {
        if let zone = TimeZone(identifier: location) { return zone }
        let wanted = location.replacingOccurrences(of: " ", with: "_").lowercased()
        return TimeZone.knownTimeZoneIdentifiers
            .first { $0.lowercased().hasSuffix("/" + wanted) }
            .flatMap(TimeZone.init(identifier:))
    }
}
