package dev.embody.actuation;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** What a Paho mqttv5 client tells its link, less what no link listens to: delivery receipts, connect completions, AUTH. */
public abstract class Mqtt5Events implements MqttCallback {

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String uri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
