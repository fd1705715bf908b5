import Testing
@testable import WorkflowCore

@Suite("The scripted model's places")
struct ScriptedPlacesTests {
    @Test func aWordThatOpensTheSentenceIsNotAPlaceWhenAnotherWordIs() {
        #expect(ScriptedPersona.places(in: "Weather in Seattle?") == ["Seattle"])
        #expect(ScriptedPersona.places(in: "Compare Paris and Rome. Weather matters.") == ["Paris", "Rome"])
    }

    @Test func aPlaceThatOpensTheSentenceIsStillFoundWhenItIsTheOnlyOne() {
        #expect(ScriptedPersona.places(in: "Seattle weather tomorrow?") == ["Seattle"])
        #expect(ScriptedPersona.places(in: "what is it like") == ["Seattle"])
    }
}
