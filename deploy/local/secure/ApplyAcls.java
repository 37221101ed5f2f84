// Applies the ACL bindings read from standard input, as the principal of the Kafka client properties
// file named by the only argument (the stack's super user). One binding per line:
//   principal resource-type pattern-type resource-name OPERATION[,OPERATION...]
// e.g. `worker TOPIC LITERAL statewright.commands WRITE`; every binding allows, from any host. Creating
// a binding that exists already changes nothing, so the stack applies its plan at every start.
// Run with the Kafka jars on the class path: java -cp 'libs/*' ApplyAcls.java admin.properties < plan

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class ApplyAcls {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) throw new IllegalArgumentException("usage: ApplyAcls <admin client properties>");
    Properties client = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
      client.load(reader);
    }
    List<AclBinding> bindings = readPlan(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    try (Admin admin = Admin.create(client)) {
      admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
    }
    System.out.println("applied " + bindings.size() + " ACL bindings");
  }

  private static List<AclBinding> readPlan(BufferedReader plan) throws Exception {
    List<AclBinding> bindings = new ArrayList<>();
    for (String line = plan.readLine(); line != null; line = plan.readLine()) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length == 1 && fields[0].isEmpty()) continue;
      if (fields.length != 5) throw new IllegalArgumentException("expected 5 fields: " + line);
      ResourcePattern resource = new ResourcePattern(
          parse(ResourceType.class, fields[1]), fields[3], parse(PatternType.class, fields[2]));
      for (String operation : fields[4].split(",")) {
        AccessControlEntry entry = new AccessControlEntry(
            "User:" + fields[0], "*", parse(AclOperation.class, operation), AclPermissionType.ALLOW);
        bindings.add(new AclBinding(resource, entry));
      }
    }
    return bindings;
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String name) {
    return Enum.valueOf(type, name);
  }
}
