// The OWL 2 DL profile check of the OWL API (what ROBOT's validate-profile runs), for tests/test_owl.py.
// Usage: java -cp "<owlapi jars>/*" tests/java/OwlProfile.java FILE
// Prints one line per violation, "<violation class>\t<text>", and "violations N" on stderr.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class OwlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println(v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
        }
        System.err.println("violations " + report.getViolations().size());
    }
}
