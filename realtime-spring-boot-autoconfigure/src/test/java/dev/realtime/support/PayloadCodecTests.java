package dev.realtime.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.realtime.InvalidPayloadException;
import dev.realtime.InvalidPayloadException.FieldViolation;
import dev.realtime.MessageTooLargeException;
import dev.realtime.TopicDefinition;
import dev.realtime.support.TestPipeline.Address;
import dev.realtime.support.TestPipeline.Order;
import dev.realtime.support.TestPipeline.Status;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link PayloadCodec} and {@link BeanValidationPayloadValidator}.
 *
 * @author Realtime team
 */
class PayloadCodecTests {

	private static final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

	private static final TopicDefinition STATUS = TestPipelineChannel.DEFINITION.topic("status");

	private static final TopicDefinition ORDERS = TestPipelineChannel.DEFINITION.topic("orders");

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final PayloadCodec codec = new PayloadCodec(this.mapper,
			new BeanValidationPayloadValidator(validation.getValidator()), 64);

	@AfterAll
	static void closeValidation() {
		validation.close();
	}

	@Test
	void whenPayloadValidThenItIsEncodedAsJson() {
		assertThat(text(this.codec.encode("test:1/status", new Status("Drafting", 10))))
			.isEqualTo("{\"message\":\"Drafting\",\"progress\":10}");
	}

	@Test
	void whenPayloadInvalidThenEveryViolationIsReportedByField() {
		InvalidPayloadException ex = catchThrowableOfType(InvalidPayloadException.class,
				() -> this.codec.encode("test:1/status", new Status(" ", 101)));
		assertThat(ex.getTopic()).isEqualTo("test:1/status");
		assertThat(ex.getViolations()).containsExactly(new FieldViolation("message", "must not be blank"),
				new FieldViolation("progress", "must be less than or equal to 100"));
		assertThat(ex).hasMessage("Invalid payload for test:1/status: [message: must not be blank, "
				+ "progress: must be less than or equal to 100]");
	}

	@Test
	void whenNestedPayloadInvalidThenViolationsNameTheNestedPath() {
		InvalidPayloadException ex = catchThrowableOfType(InvalidPayloadException.class,
				() -> this.codec.encode("t", new Order("tea", new Address(""), List.of(1, -2))));
		assertThat(ex.getViolations()).extracting(FieldViolation::field)
			.containsExactly("address.city", "quantities[1].<list element>");
	}

	@Test
	void whenEncodedPayloadOverTheLimitThenTooLargeWithSizes() {
		Status status = new Status("x".repeat(38), 1);
		int size = this.mapper.writeValueAsBytes(status).length;
		MessageTooLargeException ex = catchThrowableOfType(MessageTooLargeException.class,
				() -> this.codec.encode("test:1/status", status));
		assertThat(ex.getSize()).isEqualTo(size).isEqualTo(65);
		assertThat(ex.getLimit()).isEqualTo(64);
		assertThat(ex).hasMessageContaining("test:1/status").hasMessageContaining("65").hasMessageContaining("64");
	}

	@Test
	void whenEncodedPayloadExactlyAtTheLimitThenItIsAccepted() {
		assertThat(this.codec.encode("t", new Status("x".repeat(37), 1))).hasSize(64);
	}

	@Test
	void whenTrustedValueEncodedThenItIsNotValidatedButSizeIsChecked() {
		assertThat(text(this.codec.encodeTrusted("t", new Status("", 500))))
			.isEqualTo("{\"message\":\"\",\"progress\":500}");
		assertThatExceptionOfType(MessageTooLargeException.class)
			.isThrownBy(() -> this.codec.encodeTrusted("t", Map.of("text", "x".repeat(64))));
	}

	@Test
	void whenClientPayloadHasWrongTypeThenViolationNamesTheField() {
		assertThat(readViolations(STATUS, "{\"message\":\"hi\",\"progress\":\"lots\"}"))
			.extracting(FieldViolation::field)
			.containsExactly("progress");
	}

	@Test
	void whenClientPayloadHasWrongNestedTypeThenViolationNamesTheNestedPath() {
		assertThat(readViolations(ORDERS, "{\"item\":\"tea\",\"address\":{\"city\":[1]},\"quantities\":[]}"))
			.extracting(FieldViolation::field)
			.containsExactly("address.city");
		assertThat(
				readViolations(ORDERS, "{\"item\":\"tea\",\"address\":{\"city\":\"Oslo\"},\"quantities\":[1,\"x\"]}"))
			.extracting(FieldViolation::field)
			.containsExactly("quantities[1]");
	}

	@Test
	void whenClientPayloadIsNotAnObjectThenViolationIsForThePayload() {
		assertThat(readViolations(STATUS, "[1,2]")).extracting(FieldViolation::field).containsExactly("");
	}

	@Test
	void whenClientPayloadIsNullThenItIsRejected() {
		InvalidPayloadException ex = catchThrowableOfType(InvalidPayloadException.class,
				() -> this.codec.read("test:1/status", STATUS, NullNode.getInstance()));
		assertThat(ex.getViolations()).containsExactly(new FieldViolation("", "must not be null"));
	}

	@Test
	void whenClientPayloadFailsValidationThenViolationsAreReported() {
		assertThat(readViolations(STATUS, "{\"message\":\"\",\"progress\":-1}")).containsExactly(
				new FieldViolation("message", "must not be blank"),
				new FieldViolation("progress", "must be greater than or equal to 0"));
	}

	@Test
	void whenClientPayloadValidThenItIsReadAsTheTopicType() {
		assertThat(this.codec.read("t", STATUS, json("{\"message\":\"hi\",\"progress\":3}")))
			.isEqualTo(new Status("hi", 3));
	}

	@Test
	void whenClientPayloadValidThenItIsEncodedAgainInCanonicalForm() {
		byte[] encoded = this.codec.encodeClientPayload("t", STATUS,
				json("{ \"progress\" : 3, \"unknown\": {\"x\": 1}, \"message\" : \"hi\" }"));
		assertThat(text(encoded)).isEqualTo("{\"message\":\"hi\",\"progress\":3}");
	}

	@Test
	void whenReEncodedClientPayloadOverTheLimitThenTooLarge() {
		assertThatExceptionOfType(MessageTooLargeException.class).isThrownBy(() -> this.codec.encodeClientPayload("t",
				STATUS, json("{\"message\":\"" + "x".repeat(60) + "\",\"progress\":3}")));
	}

	@Test
	void whenDecodedThenPayloadHasTheTopicType() {
		assertThat(this.codec.decode(STATUS, bytes("{\"message\":\"hi\",\"progress\":3}")))
			.isEqualTo(new Status("hi", 3));
		assertThat(this.codec.decodeTree(bytes("{\"status\":\"running\"}")).get("status").asString())
			.isEqualTo("running");
	}

	private List<FieldViolation> readViolations(TopicDefinition topic, String data) {
		return catchThrowableOfType(InvalidPayloadException.class, () -> this.codec.read("t", topic, json(data)))
			.getViolations();
	}

	private JsonNode json(String json) {
		return this.mapper.readTree(json);
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
