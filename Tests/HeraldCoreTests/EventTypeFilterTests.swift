import HeraldCore
import Testing

@Suite("event type filter")
struct EventTypeFilterTests {
    @Test("exact names, prefix.* at a dot boundary, * and the empty filter")
    func matching() {
        let filter = EventTypeFilter(["user.created", "auth.*"])
        #expect(filter.matches("user.created"))
        #expect(!filter.matches("user.created.extra"))
        #expect(!filter.matches("user.deleted"))
        #expect(filter.matches("auth.login.failed"))
        #expect(filter.matches("auth.logout"))
        #expect(!filter.matches("auth"), "the prefix needs its dot")
        #expect(!filter.matches("authz.check"))
        #expect(EventTypeFilter(["*"]).matches("anything.at.all"))
        #expect(EventTypeFilter([]).matches("anything"))
    }
}
