import Testing
import WorkflowCore

/// The schema of mcp-server-time's convert_time, as the server lists it, plus bounds and a list.
private let schema: JSONValue = [
    "type": "object",
    "properties": [
        "source_timezone": ["type": "string"],
        "time": ["type": "string", "minLength": 4],
        "format": ["type": "string", "enum": ["12h", "24h"]],
        "count": ["type": "integer", "minimum": 1, "maximum": 10],
        "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
    ],
    "required": ["source_timezone", "time"],
    "additionalProperties": false,
]

@Suite struct JSONSchemaValidatorTests {
    let validator = JSONSchemaValidator(schema: schema)

    @Test func argumentsThatFitHaveNoProblems() {
        #expect(validator.problems(in: ["source_timezone": "UTC", "time": "14:30", "count": 3, "tags": ["a"]]).isEmpty)
    }

    @Test func aMissingRequiredArgumentIsNamed() {
        #expect(validator.problems(in: ["source_timezone": "UTC"]) == ["time is required"])
    }

    @Test func aValueOfTheWrongTypeSaysWhatWasExpected() {
        #expect(validator.problems(in: ["source_timezone": 5, "time": "14:30"]) == ["source_timezone: expected a string, got 5"])
    }

    @Test func anArgumentTheSchemaDoesNotKnowIsRejectedWhenAdditionalPropertiesIsFalse() {
        let problems = validator.problems(in: ["source_timezone": "UTC", "time": "14:30", "zone": "x"])
        #expect(problems == ["zone is not a parameter (known: count, format, source_timezone, tags, time)"])
    }

    @Test func aValueOutsideTheEnumListsTheAllowedOnes() {
        let problems = validator.problems(in: ["source_timezone": "UTC", "time": "14:30", "format": "am"])
        #expect(problems == ["format: \"am\" is not one of \"12h\", \"24h\""])
    }

    @Test func anIntegerMustBeWholeAndWithinItsBounds() {
        #expect(validator.problems(in: ["source_timezone": "UTC", "time": "14:30", "count": .number(2.5)])
            == ["count: expected an integer, got 2.5"])
        #expect(validator.problems(in: ["source_timezone": "UTC", "time": "14:30", "count": 11])
            == ["count: must be at most 10, got 11"])
    }

    @Test func listItemsAreCheckedWithTheirIndex() {
        #expect(validator.problems(in: ["source_timezone": "UTC", "time": "14:30", "tags": ["a", 7]])
            == ["tags[1]: expected a string, got 7"])
    }

    @Test func argumentsThatAreNotAnObjectAreOneProblem() {
        #expect(validator.problems(in: ["UTC"]) == ["the arguments: expected an object, got [\"UTC\"]"])
    }
}
