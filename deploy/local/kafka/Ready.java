// Exits 0 once the broker answers a metadata request (describeCluster + listTopics) naming at least the expected
// number of brokers (default 1), 1 otherwise.
// Run as a single-file program: java -cp 'libs/*' Ready.java 127.0.0.1:19092 [brokers]
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

public class Ready {
    public static void main(String[] args) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            int topics = admin.listTopics().names().get(5, TimeUnit.SECONDS).size();
            System.out.println("kafka metadata ok: " + nodes + " broker(s), " + topics + " topic(s)");
            int expected = args.length > 1 ? Integer.parseInt(args[1]) : 1;
            System.exit(nodes >= expected ? 0 : 1);
        } catch (Exception e) {
            System.out.println("kafka not ready: " + e);
            System.exit(1);
        }
    }
}
