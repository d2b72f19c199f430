import CasebookModels
import CasebookStorage
import Foundation
import Hummingbird

/// Training and the policy in force (P10, P13; `casebook training record|due`, `casebook policy
/// adopt|show`), on the administrator's page. Who may record for others and adopt is the library's rule.
extension LocalWebApp {
    /// The "Training" and "Policy" sections of `/admin`.
    func trainingAndPolicySection(_ c: UIContext, organisation org: OrganisationState) throws(CasebookError) -> String {
        let today = vault.clock.today
        let due = try vault.trainingDue(within: 30)
        var html = "<h2 id=\"training\">Training due within 30 days</h2>"
        if due.isEmpty { html += "<p id=\"training-none-due\">Nobody needs training within 30 days.</p>" } else {
            html += "<table id=\"training-due\"><tr><th>Person</th><th>Course</th><th>State</th></tr>"
            for item in due {
                html += """
                    <tr><td>\(HTML.e(item.name))</td><td>\(HTML.e(item.course.title))</td>\
                    <td class="\(item.state == .expiring ? "muted" : "overdue")">\(HTML.e(item.state.rawValue))\(item.expiresOn.map { " \($0)" } ?? "")</td></tr>
                    """
            }
            html += "</table>"
        }
        let people = org.people.filter(\.active).map {
            "<option value=\"\(HTML.e($0.id.rawValue))\"\($0.id == vault.person ? " selected" : "")>\(HTML.e($0.name))</option>"
        }.joined()
        let courses = TrainingCourse.allCases.map { "<option value=\"\($0.rawValue)\">\(HTML.e($0.title))</option>" }.joined()
        html += """
            <form method="post" action="/training" class="card" autocomplete="off">\(HTML.hiddenCSRF(c))
            <label for="training-person">Person</label><select id="training-person" name="person">\(people)</select>
            <label for="training-course">Course</label><select id="training-course" name="course">\(courses)</select>
            <label for="training-completed">Completed on</label><input id="training-completed" name="completed" value="\(today)">
            <p><button type="submit" id="record-training">Record training</button></p></form>
            """
        html += "<h2 id=\"policy\">Confidentiality policy</h2>"
        if let policy = org.policyInForce(on: today) {
            html += """
                <p id="policy-in-force">Version \(HTML.e(policy.version)), adopted \(policy.adoptedOn); review due \(policy.reviewDue)\
                \(policy.isReviewOverdue(on: today) ? " <span class=\"overdue\">OVERDUE</span>" : "").</p>
                """
        } else {
            html += "<p id=\"policy-in-force\" class=\"overdue\">No policy version recorded.</p>"
        }
        html += """
            <form method="post" action="/policy" class="card" autocomplete="off">\(HTML.hiddenCSRF(c))
            <label for="policy-version">Version (e.g. 2026-1)</label><input id="policy-version" name="version">
            <label for="policy-adopted">Adopted (or reviewed) on</label><input id="policy-adopted" name="adopted" value="\(today)">
            <label for="policy-review">Next review (optional; a year after adoption)</label><input id="policy-review" name="review_due">
            <p><button type="submit" id="adopt-policy">Adopt this version</button></p></form>
            """
        return html
    }

    /// `POST /training`: `vault.recordTraining`, as `casebook training record --person`.
    func recordTraining(_ c: UIContext) -> Response {
        let f = c.form
        do throws(CasebookError) {
            guard let course = f.text("course").flatMap(TrainingCourse.init(rawValue:)) else {
                throw CasebookError(.invalidInput, "choose the course: confidentiality or data protection")
            }
            guard let completed = f.text("completed").flatMap(LocalDate.init(iso:)) else {
                throw CasebookError(.invalidInput, "the completion date must be YYYY-MM-DD")
            }
            let person = f.text("person").map(PersonID.init(rawValue:))
            _ = try vault.recordTraining(course: course, completedOn: completed, for: person == vault.person ? nil : person)
            return HTML.redirect("/admin#training")
        } catch {
            return admin(c, error: error)
        }
    }

    /// `POST /policy`: `vault.adoptPolicy`, as `casebook policy adopt`.
    func adoptPolicy(_ c: UIContext) -> Response {
        let f = c.form
        do throws(CasebookError) {
            guard let adopted = f.text("adopted").flatMap(LocalDate.init(iso:)) else {
                throw CasebookError(.invalidInput, "the adoption date must be YYYY-MM-DD")
            }
            let review: LocalDate? = try f.text("review_due").map { text throws(CasebookError) in
                guard let date = LocalDate(iso: text) else { throw CasebookError(.invalidInput, "the next review date must be YYYY-MM-DD") }
                return date
            }
            _ = try vault.adoptPolicy(version: f["version"] ?? "", adoptedOn: adopted, reviewDue: review)
            return HTML.redirect("/admin#policy")
        } catch {
            return admin(c, error: error)
        }
    }
}
