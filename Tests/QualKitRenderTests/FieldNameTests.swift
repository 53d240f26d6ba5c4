import QualKitRender
import Testing

struct FieldNameTests {
    @Test(arguments: [
        ("q0.sel", FieldName.selection(question: 0)),
        ("q12.other", FieldName.otherText(question: 12)),
        ("q3.text", FieldName.freeText(question: 3)),
    ])
    func roundTrips(name: String, field: FieldName) {
        #expect(FieldName(name) == field)
        #expect(field.name == name)
    }

    @Test(arguments: ["q.sel", "q01.sel", "q1", "q1.", "q1.value", "x1.sel", "q-1.sel", "q1234567890.sel", "Q1.sel", "q1.sel.x"])
    func rejectsNamesOutsideTheScheme(name: String) {
        #expect(FieldName(name) == nil)
    }
}
